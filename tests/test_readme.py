"""The README's config and deploy sections quote real output: keep the quotes true."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from pydantic import TypeAdapter

from components.config import ConfigError, LevelTargets, load_stack_config, required_secrets
from drctl.stackconfig import load_raw_config


@pytest.fixture(scope="module")
def readme(project_dir) -> str:
    return (project_dir / "README.md").read_text()


def _section(readme: str, name: str) -> str:
    match = re.search(rf"<!-- section:{name} -->\n(.*?)<!-- /section:{name} -->", readme, re.S)
    assert match, f"README has no {name} section"
    return match.group(1)


def _blocks(section: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", section, re.S)


def test_quoted_config_error_is_the_real_one(readme, project_dir):
    (block,) = _blocks(_section(readme, "config"), "text")
    raw = dict(load_raw_config(project_dir, "dr").values)
    raw["dtem-dr:role"] = "activ"
    topo = json.loads(raw["dtem-dr:topology"])
    topo["database"]["rpo"] = "15 minutos"
    raw["dtem-dr:topology"] = json.dumps(topo)
    with pytest.raises(ConfigError) as err:
        load_stack_config(raw, "dr")
    assert block == "drctl plan: invalid configuration for stack 'dr':\n" + "".join(f"  - {p}\n" for p in err.value.problems)


def test_quoted_targets_are_the_shipped_ones(readme, project_dir):
    (block,) = _blocks(_section(readme, "config"), "yaml")
    example = yaml.safe_load(block)["database"]
    shipped = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())["config"]["dtem-dr:topology"]["value"]["database"]
    assert example == {"rto": shipped["rto"], "rpo": shipped["rpo"]}
    targets = TypeAdapter(LevelTargets)
    assert targets.validate_python(example["rpo"]) == {"L1": 0, "L2": 0, "L3": 900, "L4": 86400}
    assert targets.validate_python(example["rto"]) == {lvl: 3600 for lvl in ("L1", "L2", "L3", "L4")}


def test_quoted_first_pass_warning_and_missing_peer(readme, topology):
    deploy = _section(readme, "deploy")
    warning, missing = _blocks(deploy, "text")
    assert warning == f"warning: {topology.first_pass.warnings()[0]}\n"
    from drctl.engine import EngineError, run_program

    def program():
        import pulumi

        from components.peer import PeerOutputs

        pulumi.export("x", PeerOutputs("organization/dtem-dr/primary", "dr").require("globalClusterId"))

    with pytest.raises(EngineError) as err:
        run_program(program, project="dtem-dr", stack="dr", peer_outputs={})
    assert missing == f"{err.value}\n"
    assert "### First deployment\n" in deploy  # the heading the message points at


def test_secret_commands_match_what_each_site_requires(readme):
    deploy = _section(readme, "deploy")
    commands = re.findall(r"pulumi config set --secret (\w+)\s+--stack (\w+)", deploy)
    by_stack = {stack: sorted(f"dtem-dr:{k}" for k, s in commands if s == stack) for _, stack in commands}
    assert by_stack == {"primary": sorted(required_secrets("primary")), "dr": sorted(required_secrets("dr"))}


def test_stack_file_table_matches_the_files(readme, project_dir):
    config = _section(readme, "config")
    for stack in ("primary", "dr"):
        values = yaml.safe_load((project_dir / f"Pulumi.{stack}.yaml").read_text())["config"]
        (row,) = [line for line in config.splitlines() if line.startswith(f"| `Pulumi.{stack}.yaml`")]
        assert row.count("`") // 2 - 1 == len(values), row
        for key, value in values.items():
            assert f"`{key}: {value}`" in row, (stack, key)
