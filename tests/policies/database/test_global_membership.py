"""aurora-global-membership is a stack policy: membership may come from the cluster's
globalClusterIdentifier or from a GlobalCluster of the stack created from it."""

from tests.policies.conftest import UNKNOWN, editable, find, messages, not_applicable, with_config

POLICY = "aurora-global-membership"
CLUSTER = "aws:rds/cluster:Cluster"
GLOBAL = "aws:rds/globalCluster:GlobalCluster"


def test_both_shipped_stacks_comply(pack_primary, pack_dr, topology):
    for pack, capture in ((pack_primary, topology.primary), (pack_dr, topology.dr)):
        analysis = pack.stack_of(editable(capture))
        assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []


def test_a_standby_dr_cluster_outside_the_global_cluster(pack_dr, topology):
    items = editable(topology.dr)
    find(items, CLUSTER).properties.pop("globalClusterIdentifier")
    assert messages(pack_dr.stack_of(items), POLICY) == [
        "RDS cluster `dtem-db-us-west-2` (dr site, standby) must be a member of the Aurora global cluster; got "
        "globalClusterIdentifier unset and no global cluster created from it — it would hold no replicated data when it is needed"
    ]


def test_a_primary_cluster_outside_the_global_cluster(pack_primary, topology):
    items = editable(topology.primary)
    find(items, CLUSTER).properties.pop("globalClusterIdentifier")
    assert messages(pack_primary.stack_of(items), POLICY) == [
        "RDS cluster `dtem-db-us-east-1` (primary site, active) must be a member of the Aurora global cluster; got "
        "globalClusterIdentifier unset and no global cluster created from it — nothing would replicate to the other region"
    ]


def test_the_source_of_a_global_cluster_is_a_member(pack_dr, topology):
    # The failback state: the dr site's promoted cluster is the source of a new global cluster.
    items = editable(topology.dr)
    cluster = find(items, CLUSTER)
    cluster.properties.pop("globalClusterIdentifier")
    items.append(
        pack_dr.item(
            GLOBAL,
            {"globalClusterIdentifier": "dtem-global-dr", "sourceDbClusterIdentifier": UNKNOWN},
            name="database-global",
            property_dependencies={"sourceDbClusterIdentifier": [cluster.urn]},
        )
    )
    assert messages(pack_dr.stack_of(items), POLICY) == []


def test_an_active_dr_cluster_still_in_the_global_cluster_after_a_detach_flip(packs, topology):
    pack = packs.get("dr", with_config(topology.dr.config, role="active"))
    assert messages(pack.stack_of(editable(topology.dr)), POLICY) == [
        "RDS cluster `dtem-db-us-west-2` (dr site, active, failover: detach) must be detached and promoted; "
        "got a member of `dtem-global` — the flip would leave it a read-only secondary"
    ]


def test_an_active_dr_cluster_under_managed_failover_stays_a_member(packs, topology):
    config = with_config(topology.dr.config, role="active", topology=lambda t: t["database"].update(failover="managed"))
    assert messages(packs.get("dr", config).stack_of(editable(topology.dr)), POLICY) == []


def test_unknown_membership_during_preview_is_skipped(pack_dr, topology):
    items = editable(topology.dr)
    find(items, CLUSTER).properties["globalClusterIdentifier"] = UNKNOWN
    analysis = pack_dr.stack_of(items)
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == [
        "dtem-db-us-west-2: `globalClusterIdentifier` is computed during preview; checked again when it is known"
    ]


def test_no_cluster_means_not_applicable(pack_dr):
    analysis = pack_dr.stack_of([pack_dr.item("aws:s3/bucket:Bucket", {"bucket": "b"})])
    assert not_applicable(analysis, POLICY) == ["no Aurora cluster in this stack"]
