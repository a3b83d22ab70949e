"""components/promotions/queue_promotion.py: mq:Promote (FAILOVER / SWITCHOVER).

DescribeBroker runs against moto's server, which implements it -- but moto 5.2.5 drops the
CRDR fields (DataReplicationMode, DataReplicationMetadata), so its brokers look standalone:
moto serves the standalone and not-found paths. Replicas, and mq:Promote (not implemented
in moto), use botocore's Stubber with the exact requests asserted.
"""

from __future__ import annotations

import pytest

from components.promotions.base import PromotionError
from components.promotions.queue_promotion import QueuePromotionProvider

from .fakes import DR, PRIMARY, moto_client, moto_factory, refusing_factory, stubbed

BROKER_ID = "b-1f988b52-16112275"
BROKER_ARN = f"arn:aws:mq:{DR}:123456789012:broker:dtem-mq-{DR}:{BROKER_ID}"
PRIMARY_BROKER = "b-0aa0aa0a-00000000"
DESCRIBE = {"BrokerId": BROKER_ID}


def props(**over):
    base = {
        "region": DR,
        "promote": True,
        "mode": "FAILOVER",
        "brokerId": BROKER_ID,
        "brokerArn": BROKER_ARN,
        "timeoutSeconds": 1800,
    }
    return {**base, **over}


def broker(role: str, state: str = "RUNNING", pending: str | None = None):
    counterpart_region = PRIMARY if role == "REPLICA" else DR
    out = {
        "BrokerId": BROKER_ID,
        "BrokerState": state,
        "DataReplicationMode": "CRDR",
        "DataReplicationMetadata": {
            "DataReplicationRole": role,
            "DataReplicationCounterpart": {"BrokerId": PRIMARY_BROKER, "Region": counterpart_region},
        },
    }
    if pending:
        out["PendingDataReplicationMetadata"] = {"DataReplicationRole": pending}
    return out


# ---------------------------------------------------------------------------------------
# moto: DescribeBroker (CRDR fields dropped by moto, so brokers are standalone there)
# ---------------------------------------------------------------------------------------


def _moto_broker(endpoint: str) -> tuple[str, str]:
    created = moto_client(endpoint, "mq", DR).create_broker(
        BrokerName=f"dtem-mq-{DR}",
        EngineType="ACTIVEMQ",
        EngineVersion="5.18",
        HostInstanceType="mq.m5.large",
        DeploymentMode="ACTIVE_STANDBY_MULTI_AZ",
        PubliclyAccessible=False,
        AutoMinorVersionUpgrade=True,
        Users=[{"Username": "dtem", "Password": "not-a-secret-pw"}],
    )
    return created["BrokerId"], created["BrokerArn"]


def test_a_standalone_broker_takes_writes_already_and_is_not_promoted(moto):
    # moto has no mq:Promote: had the provider called it, the request would fail.
    broker_id, arn = _moto_broker(moto)
    factory = moto_factory(moto)
    provider = QueuePromotionProvider(factory)
    created = provider.create(props(brokerId=broker_id, brokerArn=arn))
    again = provider.update(created.id, created.outs, props(brokerId=broker_id, brokerArn=arn))
    assert created.outs["action"] == again.outs["action"] == "none: no data replication, already writable"
    assert created.outs["role"] == "STANDALONE"
    assert factory.asked == [("mq", DR), ("mq", DR)]


def test_standby_of_a_standalone_broker_is_recorded(moto):
    broker_id, arn = _moto_broker(moto)
    result = QueuePromotionProvider(moto_factory(moto)).create(props(promote=False, brokerId=broker_id, brokerArn=arn))
    assert result.outs["action"] == "none: standby"


def test_a_missing_broker_is_named(moto):
    with pytest.raises(PromotionError) as err:
        QueuePromotionProvider(moto_factory(moto)).create(props())
    assert str(err.value) == f"Amazon MQ CRDR promotion: broker '{BROKER_ID}' does not exist in us-west-2"


# ---------------------------------------------------------------------------------------
# Stubber: CRDR replicas and mq:Promote (not implemented by moto 5.2.5)
# ---------------------------------------------------------------------------------------


def test_failover_promotes_the_replica_in_its_own_region_then_polls(clock):
    s = stubbed("mq")
    s.stubber.add_response("describe_broker", broker("REPLICA", state="REPLICA"), DESCRIBE)
    s.stubber.add_response("promote", {"BrokerId": BROKER_ID}, {"BrokerId": BROKER_ID, "Mode": "FAILOVER"})
    s.stubber.add_response("describe_broker", broker("REPLICA", state="REPLICA", pending="PRIMARY"), DESCRIBE)
    s.stubber.add_response("describe_broker", broker("PRIMARY"), DESCRIBE)
    provider = QueuePromotionProvider(s.factory, poll_seconds=20, sleep=clock.sleep, clock=clock)
    result = provider.update("id", props(promote=False), props())
    s.stubber.assert_no_pending_responses()
    assert result.outs == {**props(), "role": "PRIMARY", "action": "Promote(FAILOVER)"}
    assert clock.sleeps == [20]
    assert s.factory.asked == [("mq", DR)]


def test_switchover_mode_is_sent_as_is(clock):
    s = stubbed("mq")
    s.stubber.add_response("describe_broker", broker("REPLICA", state="REPLICA"), DESCRIBE)
    s.stubber.add_response("promote", {"BrokerId": BROKER_ID}, {"BrokerId": BROKER_ID, "Mode": "SWITCHOVER"})
    s.stubber.add_response("describe_broker", broker("PRIMARY"), DESCRIBE)
    QueuePromotionProvider(s.factory, sleep=clock.sleep, clock=clock).create(props(mode="SWITCHOVER"))
    s.stubber.assert_no_pending_responses()


def test_already_primary_is_not_promoted_again():
    s = stubbed("mq")
    s.stubber.add_response("describe_broker", broker("PRIMARY"), DESCRIBE)
    result = QueuePromotionProvider(s.factory).create(props())
    s.stubber.assert_no_pending_responses()
    assert result.outs["action"] == "none: already the primary"


def test_a_pending_promotion_is_awaited_not_repeated(clock):
    s = stubbed("mq")
    s.stubber.add_response("describe_broker", broker("REPLICA", state="REPLICA", pending="PRIMARY"), DESCRIBE)
    s.stubber.add_response("describe_broker", broker("PRIMARY"), DESCRIBE)
    result = QueuePromotionProvider(s.factory, sleep=clock.sleep, clock=clock).create(props())
    s.stubber.assert_no_pending_responses()
    assert result.outs["action"] == "none: a promotion was already in progress"


def test_standby_is_refused_while_this_broker_still_is_the_primary():
    s = stubbed("mq")
    s.stubber.add_response("describe_broker", broker("PRIMARY"), DESCRIBE)
    with pytest.raises(PromotionError) as err:
        QueuePromotionProvider(s.factory).update("id", props(), props(promote=False))
    assert str(err.value) == (
        f"Amazon MQ CRDR promotion: broker {BROKER_ID} (us-west-2) still is the CRDR primary; set the other site's "
        "stack to role active and run `pulumi up` there first (it promotes its broker), then set this stack to "
        "standby (timeout of a promotion: 30m)"
    )


def test_a_refused_switchover_says_to_fail_over_instead():
    s = stubbed("mq")
    s.stubber.add_response("describe_broker", broker("REPLICA", state="REPLICA"), DESCRIBE)
    s.stubber.add_client_error(
        "promote",
        service_error_code="BadRequestException",
        service_message="Primary broker is unreachable",
        http_status_code=400,
        expected_params={"BrokerId": BROKER_ID, "Mode": "SWITCHOVER"},
    )
    with pytest.raises(PromotionError) as err:
        QueuePromotionProvider(s.factory).create(props(mode="SWITCHOVER"))
    assert str(err.value) == (
        f"Amazon MQ CRDR promotion: Promote({BROKER_ID}, SWITCHOVER) was refused: BadRequestException: Primary broker "
        "is unreachable. SWITCHOVER needs both regions healthy; with the other region unreachable use FAILOVER "
        "(allowDataLoss true on the primary site)."
    )


def test_timeout_says_no_duration_is_published(clock):
    s = stubbed("mq")
    s.stubber.add_response("describe_broker", broker("REPLICA", state="REPLICA"), DESCRIBE)
    s.stubber.add_response("promote", {"BrokerId": BROKER_ID}, {"BrokerId": BROKER_ID, "Mode": "FAILOVER"})
    s.stubber.add_response("describe_broker", broker("REPLICA", state="REPLICA", pending="PRIMARY"), DESCRIBE)
    s.stubber.add_response("describe_broker", broker("REPLICA", state="REPLICA", pending="PRIMARY"), DESCRIBE)
    provider = QueuePromotionProvider(s.factory, poll_seconds=900, sleep=clock.sleep, clock=clock)
    with pytest.raises(PromotionError) as err:
        provider.create(props(timeoutSeconds=900))
    assert str(err.value) == (
        f"Amazon MQ CRDR promotion (FAILOVER of broker {BROKER_ID} in us-west-2): not finished after 15m (last status: "
        "broker REPLICA, replication role REPLICA). The promotion may still complete in AWS; running `pulumi up` again "
        "looks at the live state first and does not repeat it. Look at the broker's state in us-west-2 (Amazon MQ "
        "publishes no promotion duration)."
    )


def test_no_aws_for_diff_delete_and_a_foreign_broker():
    provider = QueuePromotionProvider(refusing_factory)
    flip = provider.diff("id", {**props(promote=False), "role": "REPLICA", "action": "x"}, props())
    assert (flip.changes, flip.replaces) == (True, [])
    assert provider.delete("id", props()) is None
    foreign = f"arn:aws:mq:{PRIMARY}:123456789012:broker:dtem-mq-{PRIMARY}:{PRIMARY_BROKER}"
    with pytest.raises(PromotionError, match="is in us-east-1, not in this stack's region us-west-2"):
        provider.create(props(brokerArn=foreign))
    assert [f.property for f in provider.check({}, props(brokerArn=foreign, mode="failover")).failures] == ["mode", "brokerArn"]
