"""resilience-targets through the pack: the shipped stacks meet every target; a change
that misses one fails with component, level, estimate, target, basis and fix. The
estimate itself is tested cell by cell in tests/policies/test_estimate.py."""

from tests.policies.conftest import UNKNOWN, editable, find, messages, not_applicable, with_config

POLICY = "resilience-targets"
GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
BROKER = "aws:mq/broker:Broker"


def test_the_shipped_stacks_meet_every_target(pack_primary, pack_dr, topology):
    for pack, capture in ((pack_primary, topology.primary), (pack_dr, topology.dr)):
        analysis = pack.stack_of(editable(capture))
        assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []


def test_a_cache_without_automatic_failover_misses_its_in_region_rpo(pack_primary, topology):
    items = editable(topology.primary)
    group = find(items, GROUP)
    group.properties["automaticFailoverEnabled"] = False
    analysis = pack_primary.stack_of(items)
    assert messages(analysis, POLICY) == [
        "cache: L1 (component failure) RPO estimated 1d from daily automatic snapshots (snapshotRetentionLimit 7) "
        "(ElastiCache guide 'backups-automatic'); target 1h — enable automatic failover with at least one replica",
        "cache: L2 (AZ loss) RPO estimated 1d from daily automatic snapshots (snapshotRetentionLimit 7) "
        "(ElastiCache guide 'backups-automatic'); target 1h — enable Multi-AZ and automatic failover with replicas in other AZs",
    ]
    assert {d.urn for d in analysis.diagnostics if d.policy == POLICY} == {group.urn}


def test_a_dr_broker_that_is_not_a_crdr_replica_misses_l3(pack_dr, topology):
    items = editable(topology.dr)
    find(items, BROKER).properties.pop("dataReplicationMode")
    fix = "declare the broker a CRDR replica of the primary broker (dataReplicationMode CRDR, dataReplicationPrimaryBrokerArn)"
    assert messages(pack_dr.stack_of(items), POLICY) == [
        f"queue: L3 (region loss) RPO estimated unbounded from a broker that is not a CRDR replica of the primary broker; target 5m — {fix}",
        f"queue: L3 (region loss) RTO estimated unbounded from a broker that is not a CRDR replica of the primary broker; target 15m — {fix}",
    ]


def test_assumptions_are_configurable_and_named_in_the_message(packs, topology):
    config = with_config(topology.dr.config, topology=lambda t: t.setdefault("assumptions", {}).update(mqReplicationLag="10m"))
    assert messages(packs.get("dr", config).stack_of(editable(topology.dr)), POLICY) == [
        "queue: L3 (region loss) RPO estimated 10m from asynchronous CRDR replication from the broker in us-east-1 "
        "(assumption `mqReplicationLag` = 10m; Amazon MQ guide 'crdr-metrics': no published figure); target 5m — "
        "CRDR is asynchronous: no broker setting gives less for a region loss (design §2); state the accepted loss and "
        "alarm on TotalReplicationLag"
    ]


def test_a_config_without_targets_is_reported_not_ignored(packs, topology):
    config = with_config(topology.primary.config, topology=lambda t: t.pop("cache"))
    assert messages(packs.get("primary", config).stack_of(editable(topology.primary)), POLICY) == [
        "cannot assess RTO/RPO: topology.cache is missing (the stack config must carry dtem-dr:topology with rto/rpo per component)"
    ]


def test_unknown_values_during_preview_do_not_fail_the_stack(pack_primary, topology):
    items = editable(topology.primary)
    find(items, GROUP).properties["automaticFailoverEnabled"] = UNKNOWN
    assert messages(pack_primary.stack_of(items), POLICY) == []


def test_a_failed_over_stack_is_not_blocked(packs, topology):
    pack = packs.get("dr", with_config(topology.dr.config, role="active"))
    items = editable(topology.dr)
    find(items, "aws:rds/cluster:Cluster").properties.pop("globalClusterIdentifier")
    assert messages(pack.stack_of(items), POLICY) == []
