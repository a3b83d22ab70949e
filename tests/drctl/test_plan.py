"""drctl plan: every resource a stack would create, grouped by component, region and AZ."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from drctl import plan
from drctl.cli import build_parser, main

AZ_ITEMS = {
    # component -> per-AZ resource types (one of each in every AZ)
    "network": ["aws:ec2/eip:Eip", "aws:ec2/natGateway:NatGateway", "aws:ec2/routeTable:RouteTable",
                "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/routeTableAssociation:RouteTableAssociation",
                "aws:ec2/subnet:Subnet", "aws:ec2/subnet:Subnet"],
    "kubernetes": ["aws:eks/nodeGroup:NodeGroup"],
    "database": ["aws:rds/clusterInstance:ClusterInstance"],
}  # fmt: skip


@pytest.mark.parametrize(("stack", "region", "count"), [("primary", "us-east-1", 92), ("dr", "us-west-2", 74)])
def test_summary_groups_by_component_region_and_az(topology, stack, region, count):
    data = plan.summarize(topology[stack])
    assert (data["stack"], data["region"], data["site"]) == (stack, region, {"primary": "primary", "dr": "dr"}[stack])
    cloud = [r for r in topology[stack].custom() if r.type.split(":")[0] in ("aws", "kubernetes")]
    assert len(cloud) == count
    assert data["resourceCount"] == len(topology[stack].custom()) == sum(data["countsByComponent"].values())
    azs = data["availabilityZones"]
    assert len(set(azs)) == 3
    for component, types in AZ_ITEMS.items():
        regions = data["components"][component]
        assert list(regions) == [region], component
        for az in azs:
            assert sorted(i["type"] for i in regions[region][az] if i["type"] in types) == sorted(types), (component, az)


def test_components_in_a_stable_order(topology):
    data = plan.summarize(topology.primary)
    order = list(data["components"])
    assert order[:4] == ["keys", "network", "kubernetes", "database"]
    assert order == sorted(order, key=lambda c: plan.COMPONENT_ORDER.index(c) if c in plan.COMPONENT_ORDER else 99)


def test_protected_and_ignored_shown(topology):
    data = plan.summarize(topology.dr)
    text = plan.render_text(data)
    assert text.startswith("stack dr -- site dr, region us-west-2, role standby\n")
    assert f"{data['resourceCount']} resources ({data['protectedCount']} protected)" in text
    (line,) = [l for l in text.splitlines() if "database-cluster" in l]
    assert "[protected]" in line and "[ignore: replicationSourceIdentifier]" in line
    assert "note: secrets replaced by offline placeholders: dtem-dr:dbPassword, dtem-dr:mqPassword, dtem-dr:mqReplicationPassword" in text


def _args(*argv):
    return build_parser().parse_args(["plan", *argv])


@pytest.mark.parametrize("fmt", ["text", "json", "md"])
def test_command_prints_each_format(topology, capsys, fmt):
    assert plan.command(_args("--stack", "dr", "--format", fmt), run=lambda _: topology) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        data = json.loads(out)
        assert data["stack"] == "dr" and data["countsByComponent"]["database"] >= 7
        assert data["exports"]["region"] == "us-west-2"
    elif fmt == "md":
        assert out.startswith("### Stack `dr` — dr site, us-west-2, role `standby`")
        assert "| database |" in out
    else:
        assert "us-west-2a (" in out and "us-west-2c (" in out


def test_unknown_stack_is_a_usage_error(capsys):
    assert main(["plan", "--stack", "staging"]) == 2
    assert capsys.readouterr().err == "drctl: --stack: expected primary, dr or all; got 'staging'\n"


def test_all_prints_both_stacks_from_one_run(topology, capsys):
    runs = []

    def run(project_dir):
        runs.append(project_dir)
        return topology

    assert plan.command(_args("--stack", "all"), run=run) == 0 and len(runs) == 1
    out = capsys.readouterr().out
    assert out.startswith("stack primary -- site primary, region us-east-1, role active")
    assert "\nstack dr -- site dr, region us-west-2, role standby" in out
    assert plan.command(_args("--stack", "all", "--format", "json"), run=run) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(data) == ["dr", "primary"] and data["dr"]["region"] == "us-west-2"


@pytest.fixture()
def broken_project(tmp_path, project_dir):
    """The real program and components with a Pulumi.yaml that has two mistakes."""
    for name in ("__main__.py", "components"):
        (tmp_path / name).symlink_to(project_dir / name)
    for stack in ("primary", "dr"):
        (tmp_path / f"Pulumi.{stack}.yaml").write_text((project_dir / f"Pulumi.{stack}.yaml").read_text())
    text = (project_dir / "Pulumi.yaml").read_text()
    assert "availabilityZones: 3" in text and "rto: 1h" in text
    text = text.replace("availabilityZones: 3", "availabilityZones: 2").replace("rto: 1h", "rto: 1 hora", 1)
    (tmp_path / "Pulumi.yaml").write_text(text)
    return tmp_path


EXPECTED_ERROR = (
    "drctl plan: invalid configuration for stack 'primary':\n"
    "  - topology.availabilityZones: expected 3 or more (a node, an instance and a NAT gateway per AZ; losing one AZ "
    "must leave two); got 2; set availabilityZones: 3\n"
    '  - topology.database.rto: expected a duration like "0s", "90s", "15m", "1h" or "1d" (a whole number and one unit: '
    's, m, h, d); got "1 hora"; write "1h"\n'
)


def test_bad_config_prints_the_error_and_exits_1(broken_project, capsys):
    assert main(["plan", "--stack", "dr", "--project-dir", str(broken_project)]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", EXPECTED_ERROR)


def test_bad_config_no_traceback_from_the_real_process(broken_project, project_dir):
    proc = subprocess.run(
        [sys.executable, "-m", "drctl", "plan", "--stack", "dr", "--project-dir", str(broken_project)],
        cwd=project_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", EXPECTED_ERROR)


def test_project_file_error_is_reported_too(tmp_path, capsys):
    (tmp_path / "Pulumi.yaml").write_text("name: dtem-dr\nconfig:\n  dtem-dr:topology:\n    regions: {}\n")
    (tmp_path / "Pulumi.primary.yaml").write_text("config: {}\n")
    assert main(["plan", "--stack", "primary", "--project-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("drctl plan: Pulumi.yaml: config.dtem-dr:topology: expected a plain value or a declaration")
    assert "value: form" in err and "Traceback" not in err
