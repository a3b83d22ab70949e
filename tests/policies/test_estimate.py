"""policies.estimate, directly (no pack): the matrix other tools read, cell by cell.

The pack's `resilience-targets` runs the same function over the same resources; the gRPC
tests (resilience/, test_seed.py, test_mutations.py) prove that path."""

import copy
import json

import pytest

from drctl.check import resource_dicts
from policies.context import fmt, from_config
from policies.estimate import bucket_region, estimate_matrix, schedule_interval
from policies.resources import Index

ROW = tuple[str, str, str, str, str, str, str]

SHIPPED = {
    "primary": [
        ("database", "L1", "0s", "0s", "1h", "2m", "met"),
        ("database", "L2", "0s", "0s", "1h", "2m", "met"),
        ("database", "L3", "15m", "1s", "1h", "5m", "met"),
        ("database", "L4", "1d", "5m", "1h", "1h", "met"),
        ("objectStore", "L1", "0s", "0s", "2h", "0s", "met"),
        ("objectStore", "L2", "0s", "0s", "2h", "0s", "met"),
        ("objectStore", "L3", "1h", "15m", "2h", "0s", "met"),
        ("objectStore", "L4", "1h", "0s", "2h", "1h", "met"),
        ("cache", "L1", "1h", "1s", "30m", "1m", "met"),
        ("cache", "L2", "1h", "1s", "30m", "1m", "met"),
        ("cache", "L3", "1h", "1s", "30m", "1m", "met"),
        ("cache", "L4", "1d", "1d", "30m", "20m", "met"),
        ("queue", "L1", "0s", "0s", "15m", "2m", "met"),
        ("queue", "L2", "0s", "0s", "15m", "2m", "met"),
        ("queue", "L3", "5m", "peer", "15m", "peer", "peer"),
        ("queue", "L4", "unbounded", "unbounded", "15m", "0s", "met"),
        ("secrets", "L1", "0s", "0s", "15m", "0s", "met"),
        ("secrets", "L2", "0s", "0s", "15m", "0s", "met"),
        ("secrets", "L3", "5m", "1m", "15m", "0s", "met"),
        ("secrets", "L4", "5m", "0s", "15m", "0s", "met"),
        ("workloads", "L1", "0s", "0s", "30m", "0s", "met"),
        ("workloads", "L2", "0s", "0s", "30m", "0s", "met"),
        ("workloads", "L3", "0s", "0s", "30m", "450s", "met"),
        ("workloads", "L4", "0s", "0s", "30m", "1m", "met"),
    ],
    "dr": [
        ("database", "L1", "0s", "0s", "1h", "2m", "met"),
        ("database", "L2", "0s", "0s", "1h", "2m", "met"),
        ("database", "L3", "15m", "1s", "1h", "5m", "met"),
        ("database", "L4", "1d", "5m", "1h", "1h", "met"),
        ("objectStore", "L1", "0s", "0s", "2h", "0s", "met"),
        ("objectStore", "L2", "0s", "0s", "2h", "0s", "met"),
        ("objectStore", "L3", "1h", "peer", "2h", "peer", "peer"),
        ("objectStore", "L4", "1h", "0s", "2h", "1h", "met"),
        ("cache", "L1", "1h", "1s", "30m", "1m", "met"),
        ("cache", "L2", "1h", "1s", "30m", "1m", "met"),
        ("cache", "L3", "1h", "1s", "30m", "1m", "met"),
        ("cache", "L4", "1d", "1d", "30m", "20m", "met"),
        ("queue", "L1", "0s", "0s", "15m", "2m", "met"),
        ("queue", "L2", "0s", "0s", "15m", "2m", "met"),
        ("queue", "L3", "5m", "1m", "15m", "10m", "met"),
        ("queue", "L4", "unbounded", "unbounded", "15m", "0s", "met"),
        ("secrets", "L1", "0s", "peer", "15m", "peer", "peer"),
        ("secrets", "L2", "0s", "peer", "15m", "peer", "peer"),
        ("secrets", "L3", "5m", "peer", "15m", "peer", "peer"),
        ("secrets", "L4", "5m", "peer", "15m", "peer", "peer"),
        ("workloads", "L1", "0s", "0s", "30m", "1m", "met"),
        ("workloads", "L2", "0s", "0s", "30m", "1m", "met"),
        ("workloads", "L3", "0s", "0s", "30m", "450s", "met"),
        ("workloads", "L4", "0s", "0s", "30m", "1m", "met"),
    ],
}


def rows(matrix) -> list[ROW]:
    shown = lambda e: fmt(e.seconds) if e.state == "estimated" else e.state  # noqa: E731
    return [(c.component, c.level, fmt(c.rpo_target), shown(c.rpo), fmt(c.rto_target), shown(c.rto), c.verdict) for c in matrix.cells]


def matrix_of(capture, config=None, change=None):
    resources = resource_dicts(capture)
    if change is not None:
        resources = copy.deepcopy(resources)
        change(resources)
    return estimate_matrix(resources, config or capture.config)


def first(resources, type_):
    return next(r for r in resources if r["type"] == type_)


@pytest.mark.parametrize("stack", ["primary", "dr"])
def test_the_shipped_matrix(topology, stack):
    assert rows(matrix_of(topology[stack])) == SHIPPED[stack]


def test_the_basis_names_settings_sources_and_assumptions(topology):
    dr = matrix_of(topology.dr)
    assert dr.cell("queue", "L3").basis == (
        "RPO: asynchronous CRDR replication from the broker in us-east-1 (assumption `mqReplicationLag` = 1m; Amazon MQ "
        "guide 'crdr-metrics': no published figure). RTO: promoting the CRDR replica (mq:Promote FAILOVER) (assumption "
        "`mqPromotionTime` = 10m; Amazon MQ guide 'crdr-promote': no published figure)."
    )
    primary = matrix_of(topology.primary)
    assert primary.cell("objectStore", "L3").rpo.basis == (
        "S3 replication with RTC to `dtem-files-us-west-2` in us-west-2 (stack dr's outputs) "
        "(S3 User Guide 'replication-time-control'; S3 RTC SLA)"
    )
    assert primary.cell("database", "L3").rpo.basis == (
        "Aurora Global Database replication to the secondary cluster of `dtem-global` (lag typically < 1 s) "
        "(AWS Prescriptive Guidance 'aurora-replication-options/aurora-global-database')"
    )
    assert "Route 53 failover 90s (health checks 30s + TTL 60s" in primary.cell("workloads", "L3").rto.basis


def test_the_estimate_reads_resources_not_config(topology):
    # The config still says replicationTimeControl: true; the deployed rule says otherwise.
    def no_rtc(resources):
        rule = first(resources, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")["properties"]["rules"][0]
        rule["destination"].pop("replicationTime")

    assert json.loads(topology.primary.config["dtem-dr:topology"])["objectStore"]["replicationTimeControl"] is True
    cell = matrix_of(topology.primary, change=no_rtc).cell("objectStore", "L3")
    assert (cell.rpo_estimate, cell.verdict) == (None, "missed")
    assert cell.misses()[0].message == (
        "objectStore: L3 (region loss) RPO estimated unbounded from S3 replication without RTC to `dtem-files-us-west-2` "
        "in us-west-2: most objects in seconds, no bound (S3 User Guide 'replication'); target 1h — enable Replication "
        "Time Control on the rule (99.99 % of objects within 15 minutes, S3 RTC SLA)"
    )


def test_assumptions_come_from_the_topology(topology):
    config = dict(topology.dr.config)
    topo = json.loads(config["dtem-dr:topology"])
    topo.setdefault("assumptions", {})["mqPromotionTime"] = "20m"
    config["dtem-dr:topology"] = json.dumps(topo)
    cell = matrix_of(topology.dr, config).cell("queue", "L3")
    assert (fmt(cell.rto_estimate), cell.verdict) == ("20m", "missed")


def test_a_failed_over_dr_stack_has_its_region_loss_reduced_not_missed(topology):
    config = {**topology.dr.config, "dtem-dr:role": "active"}
    matrix = matrix_of(topology.dr, config)
    assert {c.component: c.verdict for c in matrix.cells if c.level == "L3"} == {
        "database": "reduced",
        "objectStore": "reduced",
        "cache": "reduced",
        "queue": "reduced",
        "secrets": "reduced",
        "workloads": "reduced",
    }
    assert matrix.misses() == []


def test_computed_values_give_unknown_not_a_miss(topology):
    def unknown_membership(resources):
        first(resources, "aws:rds/cluster:Cluster")["properties"]["globalClusterIdentifier"] = "[computed]"

    cell = matrix_of(topology.dr, change=unknown_membership).cell("database", "L3")
    assert cell.verdict == "unknown" and cell.misses() == []


def test_single_instance_and_single_az_database(topology):
    def one_instance(resources):
        instances = [r for r in resources if r["type"] == "aws:rds/clusterInstance:ClusterInstance"]
        for extra in instances[1:]:
            resources.remove(extra)

    matrix = matrix_of(topology.primary, change=one_instance)
    assert [fmt(matrix.cell("database", lvl).rto_estimate) for lvl in ("L1", "L2")] == ["10m", "10m"]
    assert matrix.cell("database", "L2").rto.basis == (
        "creating an instance in another AZ (no reader in a second AZ; instances in us-east-1a) "
        "(Aurora User Guide 'Concepts.AuroraHighAvailability' (fault tolerance for an Aurora DB cluster))"
    )


@pytest.mark.parametrize(
    "expr, seconds",
    [
        ("cron(0 5 ? * * *)", 86400),
        ("cron(0 * ? * * *)", 3600),
        ("cron(0 */6 ? * * *)", 21600),
        ("cron(0 2,14 ? * * *)", 43200),
        ("cron(0 1,5 ? * * *)", 72000),
        ("cron(*/15 * ? * * *)", 900),
        ("cron(0 5 ? * SUN *)", 604800),
        ("rate(1 hour)", 3600),
        ("rate(12 hours)", 43200),
        ("rate(1 day)", 86400),
        ("cron(0 5 1 * ? *)", None),
        ("weekly", None),
        (None, None),
    ],
)
def test_backup_schedule_intervals(expr, seconds):
    assert schedule_interval(expr) == seconds


def test_a_bucket_region_is_resolved_never_assumed(topology):
    ctx = from_config(topology.primary.config)
    ix = Index(resource_dicts(topology.primary))
    assert bucket_region("arn:aws:s3:::dtem-files-us-east-1", ix, ctx) == ("us-east-1", "a bucket of this stack")
    assert bucket_region("arn:aws:s3:::dtem-files-us-west-2", ix, ctx) == ("us-west-2", "stack dr's outputs")
    no_peer = Index([r for r in resource_dicts(topology.primary) if r["type"] != "pulumi:pulumi:StackReference"])
    assert bucket_region("arn:aws:s3:::dtem-files-us-west-2", no_peer, ctx) == (
        "us-west-2",
        "the topology's bucket naming `dtem-files-<region>`",
    )
    assert bucket_region("arn:aws:s3:::dtem-files-eu-west-1", no_peer, ctx) == (None, "unresolved")
    assert bucket_region("arn:aws:s3:::archive", no_peer, ctx) == (None, "unresolved")


def test_plain_resource_dicts_are_enough(topology):
    bare = [
        {"type": r["type"], "name": r["name"], "urn": r["urn"], "properties": r["properties"]}
        for r in resource_dicts(topology.primary)
    ]
    assert rows(estimate_matrix(bare, topology.primary.config)) == SHIPPED["primary"]
