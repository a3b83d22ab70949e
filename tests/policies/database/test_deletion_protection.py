import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable

POLICY = "aurora-deletion-protection"
CLUSTER = "aws:rds/cluster:Cluster"
GLOBAL = "aws:rds/globalCluster:GlobalCluster"


@pytest.mark.parametrize(
    "type_, props, expected",
    [
        (CLUSTER, {"clusterIdentifier": "dtem-db-us-east-1", "deletionProtection": True}, []),
        (GLOBAL, {"globalClusterIdentifier": "dtem-global", "deletionProtection": True}, []),
        (
            CLUSTER,
            {"clusterIdentifier": "dtem-db-us-east-1", "deletionProtection": False},
            ["RDS cluster `dtem-db-us-east-1` must have deletion protection on; got false"],
        ),
        (
            GLOBAL,
            {"globalClusterIdentifier": "dtem-global", "deletionProtection": False},
            ["Aurora global cluster `dtem-global` must have deletion protection on; got false"],
        ),
        (
            CLUSTER,
            {"clusterIdentifier": "dtem-db-us-east-1"},
            ["RDS cluster `dtem-db-us-east-1` must have deletion protection on; got unset (AWS default false)"],
        ),
    ],
    ids=["cluster-on", "global-on", "cluster-off", "global-off", "property-missing"],
)
def test_messages(pack_primary, type_, props, expected):
    assert messages(pack_primary.resource(type_, props), POLICY) == expected


def test_unknown_during_preview_is_skipped(pack_primary):
    analysis = pack_primary.resource(CLUSTER, {"deletionProtection": UNKNOWN})
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["`deletionProtection` is computed during preview; checked again when it is known"]


def test_other_types_are_not_looked_at(pack_primary):
    analysis = pack_primary.resource("aws:rds/clusterInstance:ClusterInstance", {"deletionProtection": False})
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
