import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable

POLICY = "elasticache-multi-az"
GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
BASE = {"replicationGroupId": "dtem-cache-us-east-1", "multiAzEnabled": True, "numCacheClusters": 3}


@pytest.mark.parametrize(
    "props, expected",
    [
        (BASE, []),
        (
            {**BASE, "multiAzEnabled": False},
            ["ElastiCache replication group `dtem-cache-us-east-1` must be Multi-AZ; got multiAzEnabled false"],
        ),
        (
            {k: v for k, v in BASE.items() if k != "multiAzEnabled"},
            ["ElastiCache replication group `dtem-cache-us-east-1` must be Multi-AZ; got multiAzEnabled unset (AWS default false)"],
        ),
        (
            {**BASE, "numCacheClusters": 1},
            ["ElastiCache replication group `dtem-cache-us-east-1` must be Multi-AZ with a replica in another AZ; got 1 node(s)"],
        ),
        ({**{k: v for k, v in BASE.items() if k != "numCacheClusters"}, "preferredCacheClusterAzs": ["us-east-1a", "us-east-1b"]}, []),
    ],
    ids=["multi-az", "off", "property-missing", "single-node", "nodes-from-azs"],
)
def test_messages(pack_primary, props, expected):
    assert messages(pack_primary.resource(GROUP, props), POLICY) == expected


def test_unknown_during_preview_is_skipped(pack_primary):
    analysis = pack_primary.resource(GROUP, {**BASE, "multiAzEnabled": UNKNOWN})
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["`multiAzEnabled` is computed during preview; checked again when it is known"]


def test_other_types_are_not_looked_at(pack_primary):
    analysis = pack_primary.resource("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", {"multiAzEnabled": False})
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
