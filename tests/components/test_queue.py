"""components/queue.py: ActiveMQ active/standby per region; the dr broker is a CRDR replica."""

from __future__ import annotations

import pytest

from components.queue import MessageQueue, MessageQueueArgs
from drctl.engine import SECRET_MARK
from tests.components.harness import KEY_ARN, SUBNETS, build
from tests.support import one

PRIMARY_BROKER = "arn:aws:mq:us-east-1:123456789012:broker:dtem-mq-us-east-1:b-1234"


def _queue(site, primary_broker_arn=None):
    def make(place, opts):
        import pulumi

        q = MessageQueue(
            "queue",
            MessageQueueArgs(
                placement=place,
                vpc_id="vpc-1",
                vpc_cidr="10.0.0.0/16",
                subnet_ids=SUBNETS[site],
                key_arn=KEY_ARN[site],
                engine_version="5.18",
                instance_type="mq.m5.large",
                username="dtem",
                password=pulumi.Output.secret("app-password"),
                replication_username="dtem-replication",
                replication_password=pulumi.Output.secret("replication-password"),
                primary_broker_arn=primary_broker_arn,
            ),
            opts=opts,
        )
        return {"arn": q.broker_arn, "id": q.broker_id}

    return make


@pytest.mark.parametrize(
    ("site", "arn", "replication", "ignored"),
    [
        ("primary", None, {}, ["dataReplicationMode"]),
        (
            "dr",
            PRIMARY_BROKER,
            {"dataReplicationMode": "CRDR", "dataReplicationPrimaryBrokerArn": PRIMARY_BROKER},
            ["dataReplicationPrimaryBrokerArn"],
        ),
    ],
)
def test_broker_per_site(site, arn, replication, ignored):
    broker = one(build(_queue(site, arn), site=site), "aws:mq/broker:Broker")
    i = broker.inputs
    assert (i["engineType"], i["engineVersion"], i["deploymentMode"], i["storageType"]) == ("ActiveMQ", "5.18", "ACTIVE_STANDBY_MULTI_AZ", "efs")
    assert i["subnetIds"] == SUBNETS[site][:2]
    assert i["encryptionOptions"] == {"kmsKeyId": KEY_ARN[site], "useAwsOwnedKey": False}
    assert i["publiclyAccessible"] is False
    assert {k: i[k] for k in ("dataReplicationMode", "dataReplicationPrimaryBrokerArn") if k in i} == replication
    # AWS rewrites these once the pair exists (and swaps them at a promotion): without the
    # ignore, the next `up` plans a replacement (the ARN is ForceNew, design §6).
    assert set(ignored) <= set(broker.ignore_changes) and broker.protect is True


def test_users_with_secret_passwords_and_a_replication_user():
    i = one(build(_queue("primary")), "aws:mq/broker:Broker").inputs
    users = {u["username"]: u for u in i["users"]}
    assert set(users) == {"dtem", "dtem-replication"}
    assert users["dtem-replication"]["replicationUser"] is True
    assert users["dtem"].get("replicationUser", False) is False
    assert {u["password"] for u in users.values()} == {SECRET_MARK}


def test_dr_without_the_primary_broker_is_refused():
    with pytest.raises(ValueError, match="needs primary_broker_arn"):
        build(_queue("dr"), site="dr")
