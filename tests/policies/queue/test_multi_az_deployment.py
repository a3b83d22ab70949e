import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable

POLICY = "mq-multi-az-deployment"
BROKER = "aws:mq/broker:Broker"
PREFIX = "Amazon MQ broker `dtem-mq-us-east-1` must be deployed ACTIVE_STANDBY_MULTI_AZ or CLUSTER_MULTI_AZ; got "


@pytest.mark.parametrize(
    "props, expected",
    [
        ({"brokerName": "dtem-mq-us-east-1", "deploymentMode": "ACTIVE_STANDBY_MULTI_AZ"}, []),
        ({"brokerName": "dtem-mq-us-east-1", "deploymentMode": "CLUSTER_MULTI_AZ"}, []),
        ({"brokerName": "dtem-mq-us-east-1", "deploymentMode": "SINGLE_INSTANCE"}, [PREFIX + "SINGLE_INSTANCE"]),
        ({"brokerName": "dtem-mq-us-east-1"}, [PREFIX + "unset (AWS default SINGLE_INSTANCE)"]),
    ],
    ids=["active-standby", "cluster", "single-instance", "property-missing"],
)
def test_messages(pack_primary, props, expected):
    assert messages(pack_primary.resource(BROKER, props), POLICY) == expected


def test_unknown_during_preview_is_skipped(pack_primary):
    analysis = pack_primary.resource(BROKER, {"deploymentMode": UNKNOWN})
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["`deploymentMode` is computed during preview; checked again when it is known"]


def test_other_types_are_not_looked_at(pack_primary):
    analysis = pack_primary.resource("aws:elasticache/replicationGroup:ReplicationGroup", {"deploymentMode": "SINGLE_INSTANCE"})
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
