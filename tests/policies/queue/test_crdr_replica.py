import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable

POLICY = "mq-crdr-replica"
BROKER = "aws:mq/broker:Broker"
PRIMARY_ARN = "arn:aws:mq:us-east-1:123456789012:broker:dtem-mq-us-east-1:b-1234"
BASE = {"brokerName": "dtem-mq-us-west-2", "dataReplicationMode": "CRDR", "dataReplicationPrimaryBrokerArn": PRIMARY_ARN}
PREFIX = "Amazon MQ broker `dtem-mq-us-west-2` (dr site) must be a CRDR replica of the primary broker; got "


@pytest.mark.parametrize(
    "props, expected",
    [
        (BASE, []),
        ({**BASE, "dataReplicationMode": "NONE"}, [PREFIX + "dataReplicationMode NONE"]),
        ({k: v for k, v in BASE.items() if k != "dataReplicationMode"}, [PREFIX + "dataReplicationMode unset (AWS default NONE)"]),
        ({k: v for k, v in BASE.items() if k != "dataReplicationPrimaryBrokerArn"}, [PREFIX + "no dataReplicationPrimaryBrokerArn"]),
        (
            {**BASE, "dataReplicationPrimaryBrokerArn": PRIMARY_ARN.replace("us-east-1", "us-west-2")},
            [
                "Amazon MQ broker `dtem-mq-us-west-2` (dr site) must replicate a broker in another region; got primary broker "
                f"`{PRIMARY_ARN.replace('us-east-1', 'us-west-2')}` in us-west-2, its own region"
            ],
        ),
    ],
    ids=["crdr-replica", "mode-none", "mode-missing", "primary-missing", "primary-in-own-region"],
)
def test_messages_on_the_dr_site(pack_dr, props, expected):
    assert messages(pack_dr.resource(BROKER, props), POLICY) == expected


def test_the_primary_broker_is_the_source(pack_primary):
    analysis = pack_primary.resource(BROKER, {"brokerName": "dtem-mq-us-east-1"})
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["the primary broker is the CRDR source; its replica is declared by the dr stack"]


def test_unknown_primary_arn_during_preview_is_skipped(pack_dr):
    analysis = pack_dr.resource(BROKER, {**BASE, "dataReplicationPrimaryBrokerArn": UNKNOWN})
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == [
        "`dataReplicationPrimaryBrokerArn` is computed during preview; checked again when it is known"
    ]


def test_other_types_are_not_looked_at(pack_dr):
    analysis = pack_dr.resource("aws:mq/configuration:Configuration", {"dataReplicationMode": "NONE"})
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
