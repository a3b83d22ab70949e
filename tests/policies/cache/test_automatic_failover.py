import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable

POLICY = "elasticache-automatic-failover"
GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
PREFIX = "ElastiCache replication group `dtem-cache-us-west-2` must fail over automatically; got automaticFailoverEnabled "


@pytest.mark.parametrize(
    "props, expected",
    [
        ({"replicationGroupId": "dtem-cache-us-west-2", "automaticFailoverEnabled": True}, []),
        ({"replicationGroupId": "dtem-cache-us-west-2", "automaticFailoverEnabled": False}, [PREFIX + "false"]),
        ({"replicationGroupId": "dtem-cache-us-west-2"}, [PREFIX + "unset (AWS default false)"]),
    ],
    ids=["on", "off", "property-missing"],
)
def test_messages(pack_dr, props, expected):
    assert messages(pack_dr.resource(GROUP, props), POLICY) == expected


def test_unknown_during_preview_is_skipped(pack_dr):
    analysis = pack_dr.resource(GROUP, {"automaticFailoverEnabled": UNKNOWN})
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["`automaticFailoverEnabled` is computed during preview; checked again when it is known"]


def test_other_types_are_not_looked_at(pack_dr):
    analysis = pack_dr.resource("aws:mq/broker:Broker", {"automaticFailoverEnabled": False})
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
