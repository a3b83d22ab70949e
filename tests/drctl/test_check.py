"""drctl check: the pack over the offline plan through gRPC, its matrix and its exit code."""

from __future__ import annotations

import copy
import json
import re

import pytest
import yaml

from drctl import check
from drctl.cli import build_parser, main
from drctl.engine import Topology, run_stack
from policies.estimate import estimate_matrix

MATRIX_KEYS = ["component", "level", "rto_target", "rto_estimate", "rpo_target", "rpo_estimate", "verdict", "basis"]


@pytest.fixture(scope="module")
def results(project_dir, topology):
    return {stack: check.run_check(project_dir, stack, topology=topology) for stack in ("primary", "dr")}


def dr_outside_the_global_cluster(topology) -> Topology:
    """The dr cluster as a component bug would deploy it: not a member of the global cluster."""
    dr = copy.deepcopy(topology.dr)
    cluster = next(r for r in dr.resources if r.type == "aws:rds/cluster:Cluster")
    del cluster.struct["globalClusterIdentifier"]
    cluster.inputs.pop("globalClusterIdentifier")
    return Topology(primary=topology.primary, dr=dr, first_pass=topology.first_pass)


def dr_pulling_from_us_east_1(topology) -> Topology:
    """The dr Deployments as an older config had them: images from the primary region's
    registry (only the advisory `k8s-image-registry-in-region` objects)."""
    dr = copy.deepcopy(topology.dr)
    for reg in dr.resources:
        if reg.type == "kubernetes:apps/v1:Deployment":
            image = reg.inputs["spec"]["template"]["spec"]["containers"][0]["image"].replace("us-west-2", "us-east-1")
            reg.inputs["spec"]["template"]["spec"]["containers"][0]["image"] = image
            reg.struct["spec"]["template"]["spec"]["containers"][0]["image"] = image
    return Topology(primary=topology.primary, dr=dr, first_pass=topology.first_pass)


@pytest.mark.parametrize("stack", ["primary", "dr"])
def test_the_shipped_stacks_pass(results, stack):
    result = results[stack]
    assert result.mandatory_count == 0 and result.mandatory == []
    assert result.pack == "dtem-dr-resilience"
    assert len(result.matrix) == 24
    assert {r.verdict for r in result.matrix} <= {"met", "peer"}


def test_violations_carry_policy_resource_level_and_message(project_dir, results, topology):
    assert results["dr"].violations == [] and results["primary"].violations == []
    dr = check.run_check(project_dir, "dr", topology=dr_pulling_from_us_east_1(topology))
    assert [(v.policy, v.name, v.level) for v in dr.violations] == [
        ("k8s-image-registry-in-region", f"workloads-{svc}", "advisory") for svc in ("api-gateway", "dte-service", "web-frontend")
    ]
    urns = {r.name: r.urn for r in topology.dr.resources}
    assert all(v.urn == urns[v.name] for v in dr.violations)


def test_the_matrix_is_the_estimate(results):
    rows = {(r.component, r.level): r for r in results["dr"].matrix}
    queue = rows[("queue", "L3")]
    assert (queue.rpo_target, queue.rpo_estimate, queue.rto_target, queue.rto_estimate, queue.verdict) == (300, 60, 900, 600, "met")
    assert "assumption `mqReplicationLag` = 1m" in queue.basis
    assert rows[("queue", "L4")].rpo_target is None and rows[("queue", "L4")].rpo_estimate is None  # both unbounded
    assert rows[("secrets", "L3")].verdict == "peer"


def test_to_json(results):
    data = json.loads(json.dumps(results["primary"].to_json()))
    assert list(data) == ["stack", "pack", "mandatoryCount", "violations", "matrix"]
    assert data["stack"] == "primary" and data["mandatoryCount"] == 0
    assert list(data["matrix"][0]) == MATRIX_KEYS


def test_a_mandatory_violation_fails_the_check(project_dir, topology):
    result = check.run_check(project_dir, "dr", topology=dr_outside_the_global_cluster(topology))
    assert sorted({(v.policy, v.level) for v in result.mandatory}) == [
        ("aurora-global-membership", "mandatory"),
        ("resilience-targets", "mandatory"),
    ]
    assert result.mandatory_count == 3  # membership, and database L3 RPO and RTO
    row = next(r for r in result.matrix if (r.component, r.level) == ("database", "L3"))
    assert (row.rpo_estimate, row.verdict) == (None, "missed")


def test_policy_config_and_exemptions_are_parameters(project_dir, topology):
    broken = dr_outside_the_global_cluster(topology)
    relaxed = check.run_check(project_dir, "dr", topology=broken, policy_config={"all": "advisory"})
    assert relaxed.mandatory_count == 0 and len(relaxed.violations) == 3
    exempted = check.run_check(
        project_dir,
        "dr",
        topology=broken,
        exemptions=[
            {"policy": "aurora-global-membership", "resource": "dtem-db-us-west-2", "reason": "migration, ticket 7"},
            {"policy": "resilience-targets", "resource": "database/L3", "reason": "migration, ticket 7"},
        ],
    )
    # The list given replaces policies/exemptions.json: the shipped queue/L4 exemption is gone.
    assert [(v.policy, v.message.split(" RPO")[0]) for v in exempted.mandatory] == [
        ("resilience-target-ceiling", "queue: L4 (replicated corruption)")
    ]


def _run(argv, run, capsys):
    args = build_parser().parse_args(["check", *argv])
    code = check.command(args, run=run)
    return code, capsys.readouterr()


def test_command_text(topology, capsys):
    code, out = _run(["--stack", "primary"], lambda _: topology, capsys)
    assert code == 0
    lines = out.out.splitlines()
    assert lines[0] == "drctl check --stack primary: policy pack dtem-dr-resilience, offline plan"
    assert "Violations: none" in lines
    header = next(l for l in lines if "RPO target" in l).split()
    assert header == ["component", "level", "RPO", "target", "RPO", "estimate", "RTO", "target", "RTO", "estimate", "verdict"]
    assert any(l.split() == ["queue", "L4", "unbounded", "unbounded", "15m", "0s", "met"] for l in lines)
    assert any(l.split() == ["queue", "L3", "5m", "-", "15m", "-", "peer"] for l in lines)
    assert lines[-1] == "PASS: no mandatory violation"


def test_command_json_and_md(topology, capsys):
    code, out = _run(["--stack", "dr", "--format", "json"], lambda _: topology, capsys)
    assert code == 0 and json.loads(out.out)["mandatoryCount"] == 0
    code, out = _run(["--stack", "dr", "--format", "md"], lambda _: dr_pulling_from_us_east_1(topology), capsys)
    assert code == 0
    assert out.out.startswith("### `drctl check --stack dr`\n\n**PASS** — 0 mandatory, 3 advisory violation(s)\n")
    assert "| `k8s-image-registry-in-region` | `workloads-api-gateway` | advisory |" in out.out
    assert "| database | L3 | 15m | 1s | 1h | 5m | met |" in out.out


def test_command_exits_1_on_a_mandatory_violation(topology, capsys):
    code, out = _run(["--stack", "dr"], lambda _: dr_outside_the_global_cluster(topology), capsys)
    assert code == 1
    assert out.out.splitlines()[-1] == "FAIL: mandatory violations"
    assert "Violations (3 mandatory, 0 advisory):" in out.out
    assert any(l.split()[:3] == ["aurora-global-membership", "database-cluster", "mandatory"] for l in out.out.splitlines())


def test_a_bad_stack_is_one_line_and_exit_2(capsys):
    assert main(["check", "--stack", "staging"]) == 2
    err = capsys.readouterr().err
    assert err == "drctl: --stack: expected primary or dr; got 'staging'\n"


def test_an_engine_error_is_one_line_and_exit_2(capsys):
    from drctl.engine import EngineError

    def broken(_):
        raise EngineError("stack 'dr' needs output 'globalClusterId' of stack 'primary', which has none")

    code, out = _run(["--stack", "dr"], broken, capsys)
    assert code == 2
    assert out.err == "drctl check: stack 'dr' needs output 'globalClusterId' of stack 'primary', which has none\n"



def test_the_readmes_quotes_are_real(project_dir, results, topology):
    readme = (project_dir / "README.md").read_text()
    section = re.search(r"<!-- section:policies -->\n(.*?)<!-- /section:policies -->", readme, re.S).group(1)
    finding, matrix = re.findall(r"```text\n(.*?)```", section, re.S)
    real = [line.split() for line in check.render_text(results["primary"]).splitlines()]
    for line in matrix.splitlines():
        assert line.split() in real, line
    # The quoted finding: the primary stack with the cache's rebuild strategy.
    topo = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())["config"]["dtem-dr:topology"]["value"]
    topo["cache"]["strategy"] = "rebuild"
    rebuilt = run_stack(project_dir, "primary", overrides={"dtem-dr:topology": json.dumps(topo)}, peer_outputs=topology.dr.exports)
    misses = estimate_matrix(check.resource_dicts(rebuilt), rebuilt.config).misses()
    assert finding.strip() in [m.message for m in misses]
