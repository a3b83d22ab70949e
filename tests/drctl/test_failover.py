"""drctl plan --failover / --failback: the flip's plan, its four checks, its estimate.

The DTEM flip is planned from the shipped stack files. Each check is broken on purpose by
a crafted flip: through config overrides where the config can express it, otherwise by a
tiny test-only program (tmp dir: the shipped stack files and a `__main__.py` that runs the
real program with one Pulumi stack transformation or one extra resource, only in the
dr stack's active run).
"""

from __future__ import annotations

import json
import shutil
import textwrap

import pytest

from components.config import ConfigError, load_stack_config
from drctl.cli import main
from drctl.diff import diff_captures
from drctl.engine import run_stack
from drctl.failover import CHECKS, FailoverPlan, plan_failback, plan_failover
from drctl.stackconfig import load_raw_config
from policies.figures import FIGURES, figure

# ---------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dtem(project_dir) -> FailoverPlan:
    return plan_failover(project_dir)


def _topology_with(project_dir, **database) -> str:
    topo = json.loads(load_raw_config(project_dir, "dr").values["dtem-dr:topology"])
    topo["database"].update(database)
    return json.dumps(topo)


def _both(key: str, value: str, dr_extra: dict | None = None) -> dict:
    return {"primary": {key: value}, "dr": {key: value, **(dr_extra or {})}}


def _variant(tmp_path, project_dir, *, before: str = "", after: str = ""):
    """A copy of the stack files with a __main__.py that runs the real program. `before`
    runs first (e.g. registers a stack transformation), `after` adds resources; `ACTIVE`
    is true only in the dr stack's active run."""
    for name in ("Pulumi.yaml", "Pulumi.primary.yaml", "Pulumi.dr.yaml"):
        shutil.copy(project_dir / name, tmp_path / name)
    program = f"""
import runpy

import pulumi
import pulumi_aws as aws

ACTIVE = pulumi.Config("dtem-dr").get("role") == "active" and pulumi.Config("aws").get("region") == "us-west-2"
{textwrap.dedent(before)}
runpy.run_path({str(project_dir / "__main__.py")!r}, run_name="__main__")
{textwrap.dedent(after)}
"""
    (tmp_path / "__main__.py").write_text(program)
    return tmp_path


def _plan_variant(variant, topology) -> FailoverPlan:
    # A variant differs from the shipped program only in the dr stack's active run, so the
    # shipped topology is its standby (and its primary) as well.
    return plan_failover(variant, topology=topology)


def _found(plan, check: int) -> list[tuple[str, str]]:
    return [(f.resource, f.property) for f in plan.findings if f.check == check]


# ---------------------------------------------------------------------------------------
# The DTEM flip
# ---------------------------------------------------------------------------------------


def test_dtem_flip_passes_all_four_checks(dtem):
    assert dtem.ok
    assert dtem.findings == []
    assert [dtem.passed(n) for n in CHECKS] == [True, True, True, True]


def test_dtem_flip_changes_in_place_only(dtem):
    changes = {(c.kind, c.name, tuple(c.changed)) for c in dtem.diff.changes}
    nodes = ("scalingConfig.desiredSize", "scalingConfig.minSize")
    assert changes == {
        ("update", "database-cluster", ("globalClusterIdentifier",)),
        ("update", "cache-promotion", ("promote",)),
        ("update", "queue-promotion", ("promote",)),
        ("update", "kubernetes-nodes-us-west-2a", nodes),
        ("update", "kubernetes-nodes-us-west-2b", nodes),
        ("update", "kubernetes-nodes-us-west-2c", nodes),
        ("update", "workloads-api-gateway", ("spec.replicas",)),
        ("update", "workloads-dte-service", ("spec.replicas",)),
        ("update", "workloads-web-frontend", ("spec.replicas",)),
    }
    assert {c.region for c in dtem.diff.changes} == {"us-west-2"}


def test_the_flip_is_idempotent(project_dir, topology):
    """`up` twice with the same role plans nothing: active twice, standby twice."""
    peer = topology.first_pass.exports
    active = [run_stack(project_dir, "dr", overrides={"dtem-dr:role": "active"}, peer_outputs=peer) for _ in range(2)]
    assert diff_captures(*active).changes == []
    standby = run_stack(project_dir, "dr", peer_outputs=peer)
    assert diff_captures(topology.dr, standby).changes == []


@pytest.mark.parametrize(
    "database", [{"failover": "managed"}, {"failover": "managed", "globalClusterOwner": "dr"}], ids=["managed", "dr-owner"]
)
def test_the_managed_flip_is_idempotent_too(project_dir, topology, database):
    overrides = {"dtem-dr:role": "active", "dtem-dr:allowDataLoss": "true", "dtem-dr:topology": _topology_with(project_dir, **database)}
    runs = [run_stack(project_dir, "dr", overrides=overrides, peer_outputs=topology.first_pass.exports) for _ in range(2)]
    assert diff_captures(*runs).changes == []
    cluster = next(r for r in runs[0].custom() if r.name == "database-cluster")
    assert "replicationSourceIdentifier" in cluster.ignore_changes


def test_estimated_rto_is_computed_from_the_figures(dtem, project_dir):
    cfg = load_stack_config(load_raw_config(project_dir, "dr").values, "dr")
    assumptions = {k: float(v) for k, v in cfg.topology.assumptions.model_dump(by_alias=True).items()}

    def fig(key):
        return figure(key, assumptions)[0]

    steps = {s.id: s for s in dtem.steps}
    assert {k: (s.starts, s.seconds, s.figure) for k, s in steps.items()} == {
        "queue": (0, fig("mq.crdr.promotion"), "mq.crdr.promotion"),
        "database": (0, fig("aurora.global.detach_promote"), "aurora.global.detach_promote"),
        "kubernetes": (0, fig("k8s.node_start"), "k8s.node_start"),
        "cache": (0, fig("elasticache.global.promotion"), "elasticache.global.promotion"),
        "workloads": (fig("k8s.node_start"), fig("k8s.pod_start"), "k8s.pod_start"),
        "traffic": (fig("mq.crdr.promotion"), 10 * 3 + 60, "route53.failover"),
    }
    for s in dtem.steps:
        assert FIGURES[s.figure].source in s.source, s.id
    assert "assumption `mqPromotionTime`" in steps["queue"].source
    assert dtem.critical_path == ["queue", "traffic"]
    assert dtem.estimated_rto_seconds == 600 + 90 == 690


def test_estimate_shown_against_the_l3_targets(dtem, capsys):
    assert dtem.targets == {"database": 3600, "workloads": 1800, "queue": 900, "cache": 1800, "objectStore": 7200, "secrets": 900}
    assert dtem.component_estimates == {
        "database": 390.0,
        "workloads": 450.0,
        "queue": 690.0,
        "cache": 150.0,
        "objectStore": 90.0,
        "secrets": 90.0,
    }
    text = dtem.render("text")
    assert "Critical path: queue -> traffic = 11m30s" in text
    assert "Estimated L3 (region loss) RTO: 11m30s" in text
    assert "  queue         11m30s  target       15m  met" in text
    assert "  database       6m30s  target        1h  met" in text


def test_why_nothing_changes_for_secrets_object_store_and_traffic(dtem):
    assert list(dtem.unchanged) == ["secrets", "objectStore", "traffic"]
    assert all(not why.startswith("CHANGED") for why in dtem.unchanged.values())
    assert "StopReplicationToReplica" in dtem.unchanged["secrets"]
    assert "replication-time-control" in dtem.unchanged["objectStore"]
    assert "never called" in dtem.unchanged["traffic"]


def test_json_and_markdown_carry_the_same_plan(dtem):
    data = json.loads(dtem.render("json"))
    assert data["ok"] is True and data["estimatedRtoSeconds"] == 690 and data["criticalPath"] == ["queue", "traffic"]
    assert [c["passed"] for c in data["checks"]] == [True] * 4
    assert data["counts"] == {"create": 0, "update": 9, "replace": 0, "delete": 0}
    assert all(c["inPlace"] for c in data["changes"])
    assert data["componentEstimates"]["queue"] == {"estimatedSeconds": 690.0, "targetSeconds": 900, "met": True}
    md = dtem.render("md")
    assert "**Safe** · estimated L3 RTO **11m30s** · critical path queue → traffic" in md
    assert "| 1. no stateful resource is replaced or deleted | ✅ |" in md


def test_plan_reuses_a_given_topology(project_dir, topology):
    plan = plan_failover(project_dir, topology=topology)
    assert plan.ok and plan.estimated_rto_seconds == 690


# ---------------------------------------------------------------------------------------
# The CLI
# ---------------------------------------------------------------------------------------


def test_cli_failover_exits_0_on_the_dtem_plan(capsys):
    assert main(["plan", "--stack", "dr", "--failover"]) == 0
    out = capsys.readouterr().out
    assert "Result: safe -- all four checks pass." in out
    assert main(["plan", "--stack", "dr", "--failover", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_cli_refuses_the_wrong_stack(capsys):
    assert main(["plan", "--stack", "primary", "--failover"]) == 2
    assert capsys.readouterr().err == (
        "drctl: --failover plans the dr site's stack (dr); got --stack primary (use --failback for it)\n"
    )
    assert main(["plan", "--stack", "dr", "--failback"]) == 2


# ---------------------------------------------------------------------------------------
# Each check broken by a crafted flip
# ---------------------------------------------------------------------------------------


def test_check1_a_flip_that_changes_the_database_kms_key(tmp_path, project_dir, topology, capsys):
    variant = _variant(
        tmp_path,
        project_dir,
        before="""
        def other_key(args):
            if ACTIVE and args.name == "database-cluster":
                args.props["kms_key_id"] = "arn:aws:kms:us-west-2:123456789012:key/mrk-another"
                return pulumi.ResourceTransformationResult(args.props, args.opts)
        pulumi.runtime.register_stack_transformation(other_key)
        """,
    )
    plan = _plan_variant(variant, topology)
    assert _found(plan, 1) == [
        ("database-cluster", "kmsKeyId"),
        ("database-instance-us-west-2a", "clusterIdentifier"),
        ("database-instance-us-west-2b", "clusterIdentifier"),
        ("database-instance-us-west-2c", "clusterIdentifier"),
    ]
    assert main(["plan", "--stack", "dr", "--failover", "--project-dir", str(variant)]) == 1
    out = capsys.readouterr().out
    assert (
        "        database-cluster (aws:rds/cluster:Cluster) kmsKeyId: would be replaced (kmsKeyId: kmsKeyId is "
        "replace-on-change (hashicorp/terraform-provider-aws internal/service/rds/cluster.go))"
    ) in out
    assert "Result: UNSAFE -- 4 finding(s); do not run `pulumi up --stack dr` as is." in out


def test_check1_a_renamed_subnet_group_takes_the_cluster_along(tmp_path, project_dir, topology):
    """The subnet group is not stateful, but the cluster and its instances take its name,
    which is ForceNew on both."""
    variant = _variant(
        tmp_path,
        project_dir,
        before="""
        def rename(args):
            if ACTIVE and args.name == "database-subnets":
                args.props["name"] = "dtem-db-us-west-2-active"
                return pulumi.ResourceTransformationResult(args.props, args.opts)
        pulumi.runtime.register_stack_transformation(rename)
        """,
    )
    plan = _plan_variant(variant, topology)
    assert _found(plan, 1) == [
        ("database-cluster", "dbSubnetGroupName"),
        ("database-instance-us-west-2a", "dbSubnetGroupName"),
        ("database-instance-us-west-2b", "dbSubnetGroupName"),
        ("database-instance-us-west-2c", "dbSubnetGroupName"),
    ]


def test_check2_a_flip_that_moves_a_resource_to_the_primary_region(tmp_path, project_dir, topology, capsys):
    variant = _variant(
        tmp_path,
        project_dir,
        before="""
        PRIMARY = aws.Provider("variant-us-east-1", region="us-east-1") if ACTIVE else None

        def move(args):
            if ACTIVE and args.name == "queue-sg":
                return pulumi.ResourceTransformationResult(
                    args.props, pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(provider=PRIMARY))
                )
        pulumi.runtime.register_stack_transformation(move)
        """,
    )
    plan = _plan_variant(variant, topology)
    assert _found(plan, 2) == [("queue-sg", "region")]
    assert ("variant-us-east-1", "region") in _found(plan, 4)
    assert main(["plan", "--stack", "dr", "--failover", "--project-dir", str(variant)]) == 1
    assert (
        "        queue-sg (aws:ec2/securityGroup:SecurityGroup) region: is managed in us-east-1, not in this stack's "
        "region us-west-2 (replace: region, provider)"
    ) in capsys.readouterr().out


@pytest.mark.parametrize(
    ("after", "resource", "type_"),
    [
        (
            """
            if ACTIVE:
                DR = aws.Provider("variant-us-west-2", region="us-west-2")
                aws.route53.Record("app-active", zone_id="Z0000000000000", name="app.dtem.example.cl", type="CNAME",
                                   ttl=60, records=["dr.example"], opts=pulumi.ResourceOptions(provider=DR))
            """,
            "app-active",
            "aws:route53/record:Record",
        ),
        (
            """
            if ACTIVE:
                DR = aws.Provider("variant-us-west-2", region="us-west-2")
                aws.iam.RolePolicy("flip-policy", role="kubernetes-node-role", policy="{}",
                                   opts=pulumi.ResourceOptions(provider=DR))
            """,
            "flip-policy",
            "aws:iam/rolePolicy:RolePolicy",
        ),
    ],
    ids=["route53-record", "iam-policy"],
)
def test_check3_a_flip_that_touches_route53_or_iam(tmp_path, project_dir, topology, capsys, after, resource, type_):
    plan = _plan_variant(_variant(tmp_path, project_dir, after=after), topology)
    assert [(f.check, f.resource, f.type, f.property) for f in plan.findings] == [(3, resource, type_, "(created)")]
    assert main(["plan", "--stack", "dr", "--failover", "--project-dir", str(tmp_path)]) == 1
    assert f"        {resource} ({type_}) (created): create of a " in capsys.readouterr().out


def test_check4_a_managed_switchover_needs_the_primary_region(project_dir):
    managed = _topology_with(project_dir, failover="managed")
    plan = plan_failover(project_dir, overrides=_both("dtem-dr:topology", managed))
    assert [(f.check, f.resource, f.property) for f in plan.findings] == [(4, "database-promotion", "mode")]
    assert plan.findings[0].message == (
        "check 4: dr: database-promotion (pulumi-python:dynamic/promotions:AuroraFailover) mode: switchover: "
        "SwitchoverGlobalCluster waits for the current writer to synchronise: it cannot complete while that region is "
        "down (set allowDataLoss true to use FailoverGlobalCluster AllowDataLoss instead)"
    )


def test_managed_failover_with_allow_data_loss_passes(project_dir):
    managed = _topology_with(project_dir, failover="managed")
    plan = plan_failover(project_dir, overrides=_both("dtem-dr:topology", managed, {"dtem-dr:allowDataLoss": "true"}))
    assert plan.ok, [f.message for f in plan.findings]
    # The global topology is kept: the cluster does not change at all.
    assert "database-cluster" not in {c.name for c in plan.diff.changes}
    database = next(s for s in plan.steps if s.id == "database")
    assert (database.figure, database.title) == (
        "aurora.global.managed_failover",
        "FailoverGlobalCluster AllowDataLoss to us-west-2 (database-promotion)",
    )


def test_check4_an_invoke_answered_in_the_primary_region(tmp_path, project_dir, topology):
    after = """
    if ACTIVE:
        PRIMARY = aws.Provider("variant-us-east-1", region="us-east-1")
        aws.get_region(opts=pulumi.InvokeOptions(provider=PRIMARY))
    """
    plan = _plan_variant(_variant(tmp_path, project_dir, after=after), topology)
    assert _found(plan, 4) == [("variant-us-east-1", "region"), ("getRegion", "aws:index/getRegion:getRegion")]


def test_check4_a_new_resource_naming_a_primary_region_resource(tmp_path, project_dir, topology):
    after = """
    if ACTIVE:
        DR = aws.Provider("variant-us-west-2", region="us-west-2")
        aws.ssm.Parameter("writer", type="String", insecure_value="arn:aws:rds:us-east-1:123456789012:cluster:dtem-db-us-east-1",
                          opts=pulumi.ResourceOptions(provider=DR))
    """
    plan = _plan_variant(_variant(tmp_path, project_dir, after=after), topology)
    assert _found(plan, 4) == [("writer", "insecureValue")]
    assert "names a resource in the primary region us-east-1 (arn:aws:rds:us-east-1:" in plan.findings[0].detail


# ---------------------------------------------------------------------------------------
# Other strategies
# ---------------------------------------------------------------------------------------


def test_cache_rebuild_flip_creates_the_group_from_the_configured_snapshot(project_dir):
    topo = json.loads(load_raw_config(project_dir, "dr").values["dtem-dr:topology"])
    topo["cache"].update(strategy="rebuild", restoreSnapshot="dtem-cache-export-latest")
    plan = plan_failover(project_dir, overrides=_both("dtem-dr:topology", json.dumps(topo)))
    assert plan.ok, [f.message for f in plan.findings]
    created = {c.name for c in plan.diff.created}
    assert created == {"cache-subnets", "cache-sg", "cache-group"}
    group = next(c for c in plan.diff.created if c.name == "cache-group")
    assert group.type == "aws:elasticache/replicationGroup:ReplicationGroup"
    cache = next(s for s in plan.steps if s.id == "cache")
    assert cache.title == "create the cache group in us-west-2, seeded from dtem-cache-export-latest"
    assert cache.figure == "elasticache.restore" and "assumption `cacheRestoreTime`" in cache.source


@pytest.mark.parametrize(
    ("seed", "inputs"),
    [
        ("dtem-cache-export-latest", {"snapshotName": "dtem-cache-export-latest"}),
        ("arn:aws:s3:::dtem-files-us-west-2/cache/latest.rdb", {"snapshotArns": ["arn:aws:s3:::dtem-files-us-west-2/cache/latest.rdb"]}),
    ],
    ids=["snapshot-name", "exported-rdb"],
)
def test_rebuild_seeds_once_and_ignores_the_seed_afterwards(project_dir, topology, seed, inputs):
    topo = json.loads(load_raw_config(project_dir, "dr").values["dtem-dr:topology"])
    topo["cache"].update(strategy="rebuild", restoreSnapshot=seed)
    over = {"dtem-dr:role": "active", "dtem-dr:topology": json.dumps(topo)}
    run = run_stack(project_dir, "dr", overrides=over, peer_outputs=topology.first_pass.exports)
    group = next(r for r in run.custom() if r.name == "cache-group")
    assert {k: group.inputs[k] for k in ("snapshotName", "snapshotArns") if k in group.inputs} == inputs
    assert group.ignore_changes == ["snapshotName", "snapshotArns"] and group.protect is True


# ---------------------------------------------------------------------------------------
# Failback
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def failback(project_dir):
    return plan_failback(project_dir)


def test_failback_lists_the_expected_replacements(failback):
    assert failback.ok
    assert [(f.stack, f.resource, f.property) for f in failback.expected if f.check == 1] == [
        ("primary", "database-cluster", "databaseName, globalClusterIdentifier, masterUsername"),
        ("primary", "database-instance-us-east-1a", "clusterIdentifier"),
        ("primary", "database-instance-us-east-1b", "clusterIdentifier"),
        ("primary", "database-instance-us-east-1c", "clusterIdentifier"),
        ("primary", "database-global", "(deleted)"),
    ]
    cluster = failback.expected[0]
    assert cluster.requires[0].startswith("protected: `pulumi state unprotect 'urn:pulumi:primary::dtem-dr::")
    assert cluster.requires[1] == (
        "deletion protection on: `aws rds modify-db-cluster --db-cluster-identifier dtem-db-us-east-1 "
        "--no-deletion-protection --apply-immediately --region us-east-1`"
    )


def test_failback_fences_the_primary_health_checks_while_it_is_standby(failback):
    """The recovered primary's warm pods pass their checks in front of a database that is
    not the writer: inverted checks keep users on the dr records until the return."""
    fence = [(s.name, f.resource, f.property, f.check) for s in failback.stages for r in s.runs for f in r.findings if f.check == 3]
    assert fence == [
        ("rejoin", "traffic-api-primary", "invertHealthcheck", 3),
        ("rejoin", "traffic-app-primary", "invertHealthcheck", 3),
        ("return", "traffic-api-primary", "invertHealthcheck", 3),
        ("return", "traffic-app-primary", "invertHealthcheck", 3),
    ]
    assert all(f.expected for f in failback.expected if f.check == 3)


def test_failback_stages_and_commands_in_order(failback):
    assert [(s.name, s.edits) for s in failback.stages] == [
        ("rejoin", ["Pulumi.yaml: topology.database.globalClusterOwner: dr", "Pulumi.primary.yaml: role: standby"]),
        ("return", ["Pulumi.primary.yaml: role: active", "Pulumi.dr.yaml: role: standby"]),
    ]
    runs = [(r.command, r.region, r.diff.counts()) for s in failback.stages for r in s.runs]
    assert runs == [
        ("pulumi up --stack dr", "us-west-2", {"create": 2, "update": 1, "replace": 0, "delete": 0}),
        ("pulumi up --stack primary", "us-east-1", {"create": 1, "update": 10, "replace": 4, "delete": 1}),
        ("pulumi up --stack primary", "us-east-1", {"create": 0, "update": 11, "replace": 0, "delete": 0}),
        ("pulumi up --stack dr", "us-west-2", {"create": 0, "update": 9, "replace": 0, "delete": 0}),
    ]
    rejoin_dr = failback.stages[0].runs[0]
    assert {(c.kind, c.type) for c in rejoin_dr.diff.created} == {
        ("create", "aws:rds/globalCluster:GlobalCluster"),
        ("create", "pulumi-python:dynamic/promotions:AuroraFailover"),
    }
    ret = failback.stages[1].runs[0]
    promotion = next(c for c in ret.diff.changes if c.name == "database-promotion")
    assert promotion.changed == ["promote"]


def test_failback_cli(capsys):
    assert main(["plan", "--stack", "primary", "--failback"]) == 0
    out = capsys.readouterr().out
    assert "Expected replacements and deletions (5): the database of the stack being re-created" in out
    assert "  2. `pulumi up --stack primary` (us-east-1): re-create the us-east-1 cluster as a secondary of dtem-global-dr" in out
    assert main(["plan", "--stack", "primary", "--failback", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [f["resource"] for f in data["expectedReplacements"]][0] == "database-cluster"


def test_failback_after_a_managed_failover_is_a_switchover_only(project_dir):
    managed = _topology_with(project_dir, failover="managed")
    plan = plan_failback(project_dir, overrides=_both("dtem-dr:topology", managed))
    assert plan.ok
    assert [(f.check, f.resource, f.property) for f in plan.expected] == [
        (3, "traffic-api-primary", "invertHealthcheck"),
        (3, "traffic-app-primary", "invertHealthcheck"),
    ]
    assert [s.name for s in plan.stages] == ["return"]
    primary_run = plan.stages[0].runs[0]
    assert {c.kind for c in primary_run.diff.changes} == {"update"}


# ---------------------------------------------------------------------------------------
# The config that makes failback declarable
# ---------------------------------------------------------------------------------------


def _raw(project_dir, stack, **values):
    raw = dict(load_raw_config(project_dir, stack).values)
    raw.update(values)
    return raw


def test_primary_standby_is_refused_while_the_primary_holds_the_writer(project_dir):
    with pytest.raises(ConfigError) as err:
        load_stack_config(_raw(project_dir, "primary", **{"dtem-dr:role": "standby"}), "primary")
    assert err.value.problems == [
        'dtem-dr:role: expected "active" on the primary site (us-east-1 holds the global writer); got "standby"; '
        "run pulumi config set role active --stack primary (to fail back, follow the README's failback section)"
    ]


@pytest.mark.parametrize("database", [{"failover": "managed"}, {"globalClusterOwner": "dr"}])
def test_primary_standby_is_accepted_when_the_writer_can_be_elsewhere(project_dir, database):
    raw = _raw(project_dir, "primary", **{"dtem-dr:role": "standby", "dtem-dr:topology": _topology_with(project_dir, **database)})
    assert load_stack_config(raw, "primary").role == "standby"


def test_allow_data_loss_is_a_boolean(project_dir):
    assert load_stack_config(_raw(project_dir, "dr", **{"dtem-dr:allowDataLoss": "true"}), "dr").allow_data_loss is True
    assert load_stack_config(_raw(project_dir, "dr"), "dr").allow_data_loss is False
    with pytest.raises(ConfigError) as err:
        load_stack_config(_raw(project_dir, "dr", **{"dtem-dr:allowDataLoss": "yes"}), "dr")
    assert err.value.problems == [
        'dtem-dr:allowDataLoss: expected true or false; got "yes"; run pulumi config set allowDataLoss true --stack dr '
        "(only when the other region is down)"
    ]


def test_dr_ownership_needs_the_primary_wired(project_dir):
    raw = _raw(
        project_dir, "primary", **{"dtem-dr:peerWired": "false", "dtem-dr:topology": _topology_with(project_dir, globalClusterOwner="dr")}
    )
    with pytest.raises(ConfigError) as err:
        load_stack_config(raw, "primary")
    assert err.value.problems == [
        "dtem-dr:peerWired: expected the key unset while topology.database.globalClusterOwner is dr (this stack joins "
        "the dr stack's global cluster); got false; run pulumi config rm peerWired --stack primary"
    ]


def test_promotions_live_in_their_stack_region(topology):
    dynamic = [r for s in ("primary", "dr") for r in topology[s].custom() if r.type.startswith("pulumi-python:dynamic")]
    assert {(r.name, r.region) for r in dynamic} == {
        ("cache-promotion", "us-east-1"),
        ("queue-promotion", "us-east-1"),
        ("cache-promotion", "us-west-2"),
        ("queue-promotion", "us-west-2"),
    }
    assert all(r.inputs["__provider"] == "[secret]" for r in dynamic)


def test_after_a_failback_the_next_failover_is_managed(project_dir):
    """The dr stack owns the global cluster after a failback: its own member cannot
    detach, so the flip promotes it by API -- and says allowDataLoss is needed."""
    owner_dr = _topology_with(project_dir, globalClusterOwner="dr")
    plan = plan_failover(project_dir, overrides=_both("dtem-dr:topology", owner_dr))
    assert [(f.check, f.resource, f.property) for f in plan.findings] == [(4, "database-promotion", "mode")]
    plan = plan_failover(project_dir, overrides=_both("dtem-dr:topology", owner_dr, {"dtem-dr:allowDataLoss": "true"}))
    assert plan.ok
    assert "database-cluster" not in {c.name for c in plan.diff.changes}
    assert next(s.title for s in plan.steps if s.id == "database") == (
        "FailoverGlobalCluster AllowDataLoss to us-west-2 (database-promotion)"
    )
