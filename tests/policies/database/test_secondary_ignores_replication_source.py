import pytest

from tests.policies.conftest import messages, not_applicable, with_config

POLICY = "aurora-secondary-ignores-replication-source"
CLUSTER = "aws:rds/cluster:Cluster"
PROPS = {"clusterIdentifier": "dtem-db-us-west-2", "globalClusterIdentifier": "dtem-global"}


def test_the_dr_secondary_ignores_it(pack_dr):
    analysis = pack_dr.resource(CLUSTER, PROPS, ignore_changes=["replicationSourceIdentifier"])
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []


@pytest.mark.parametrize(
    "ignored, got",
    [([], "nothing"), (["tags"], "tags")],
    ids=["no-ignore-changes", "ignores-something-else"],
)
def test_a_dr_secondary_that_does_not(pack_dr, ignored, got):
    analysis = pack_dr.resource(CLUSTER, PROPS, ignore_changes=ignored)
    assert messages(analysis, POLICY) == [
        f"RDS cluster `dtem-db-us-west-2` (dr site) can be a secondary and must ignore changes to replicationSourceIdentifier; "
        f"got ignoreChanges [{got}] — a later `up` would promote it by accident (terraform-provider-aws PR #40921)"
    ]


def test_the_primary_writer_of_a_detach_topology_is_exempt_by_design(pack_primary):
    analysis = pack_primary.resource(CLUSTER, {"clusterIdentifier": "dtem-db-us-east-1"})
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["the primary writer of a detach topology is never a secondary"]


def test_the_primary_under_managed_failover_can_be_a_secondary(packs, topology):
    config = with_config(topology.primary.config, topology=lambda t: t["database"].update(failover="managed"))
    analysis = packs.get("primary", config).resource(CLUSTER, {"clusterIdentifier": "dtem-db-us-east-1"})
    assert messages(analysis, POLICY) == [
        "RDS cluster `dtem-db-us-east-1` (primary site) can be a secondary and must ignore changes to "
        "replicationSourceIdentifier; got ignoreChanges [nothing] — a later `up` would promote it by accident "
        "(terraform-provider-aws PR #40921)"
    ]


def test_other_types_are_not_looked_at(pack_dr):
    analysis = pack_dr.resource("aws:rds/clusterInstance:ClusterInstance", {})
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
