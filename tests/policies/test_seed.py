"""The seed's table, as written (design §2), is flagged finding by finding.

The seed gives one RTO/RPO per component for every disaster level and picks "daily backup +
rebuild" for the cache. Run as a real topology (both stacks, the rebuild strategy deployed)
through the pack, it must fail exactly where the table contradicts itself -- and nowhere
else: the database, files and workloads rows are achievable as written."""

import copy
import json

import pytest
import yaml

from tests.policies.conftest import editable

SEED = {
    "database": {"rto": "1h", "rpo": "15m"},
    "workloads": {"rto": "30m", "rpo": "0s"},
    "queue": {"rto": "15m", "rpo": "0s"},
    "cache": {"rto": "30m", "rpo": "1h", "strategy": "rebuild"},
    "objectStore": {"rto": "2h", "rpo": "1h"},
    "secrets": {"rto": "15m", "rpo": "0s"},
}
QUEUE_L4 = (
    "queue: L4 (replicated corruption) RPO estimated unbounded from Amazon MQ keeps no point-in-time copy of messages: "
    "a corruption CRDR replicated cannot be undone; target 0s — no broker setting bounds it: state the accepted loss "
    "(`unbounded`) or make the work re-creatable from the database"
)
FINDINGS = {
    "primary": [
        # "daily backup + rebuild" cannot give 1h: the snapshots stay in the lost region.
        "cache: L3 (region loss) RPO estimated unbounded from daily automatic snapshots (snapshotRetentionLimit 7) kept in "
        "us-east-1 only: nothing copies them to us-west-2, so the rebuilt cache starts empty; target 1h — use the "
        "global-datastore strategy (replication lag typically < 1 s, ElastiCache guide 'Redis-Global-Datastore') or copy "
        "snapshots to the dr region at least as often as the target",
        # ... nor for a corruption: the last good copy is a day old.
        "cache: L4 (replicated corruption) RPO estimated 1d from daily automatic snapshots (snapshotRetentionLimit 7) "
        "(ElastiCache guide 'backups-automatic'); target 1h — automatic snapshots are daily: take snapshots at least as "
        "often as the target, or state a target of at least 1d",
        QUEUE_L4,
        # "GitOps with several replicas": the replicas are asynchronous.
        "secrets: L3 (region loss) RPO estimated 1m from asynchronous replication of 2 secret(s) to their replica in "
        "us-west-2 (assumption `secretsReplicationLag` = 1m; Secrets Manager guide 'create-manage-multi-region-secrets': "
        "no published figure); target 0s — replicas are updated asynchronously: no setting gives less for a region loss; "
        "state the accepted lag",
    ],
    "dr": [
        # "multi-AZ with replication": RPO 0 holds in the region, not across regions.
        "queue: L3 (region loss) RPO estimated 1m from asynchronous CRDR replication from the broker in us-east-1 "
        "(assumption `mqReplicationLag` = 1m; Amazon MQ guide 'crdr-metrics': no published figure); target 0s — CRDR is "
        "asynchronous: no broker setting gives less for a region loss (design §2); state the accepted loss and alarm on "
        "TotalReplicationLag",
        QUEUE_L4,
    ],
}


@pytest.fixture(scope="module")
def seed_topology(project_dir):
    from drctl.engine import run_topology

    shipped = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())["config"]["dtem-dr:topology"]["value"]
    topo = copy.deepcopy(shipped)
    for component, values in SEED.items():
        topo[component].update(values)
    value = json.dumps(topo)
    return run_topology(project_dir, overrides={"primary": {"dtem-dr:topology": value}, "dr": {"dtem-dr:topology": value}})


@pytest.mark.parametrize("stack", ["primary", "dr"])
def test_the_seed_table_is_flagged_finding_by_finding(packs, seed_topology, stack):
    capture = seed_topology[stack]
    analysis = packs.get(stack, capture.config).preview(editable(capture))
    mandatory = [(d.policy, d.message) for d in analysis.diagnostics if d.enforcement == "mandatory"]
    assert mandatory == [("resilience-targets", m) for m in FINDINGS[stack]]


def test_the_shipped_topology_fixes_each_finding(pack_primary, pack_dr, topology):
    for pack, capture in ((pack_primary, topology.primary), (pack_dr, topology.dr)):
        assert pack.preview(editable(capture)).mandatory == []
