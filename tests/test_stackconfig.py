"""drctl/stackconfig.py: Pulumi.yaml + Pulumi.<stack>.yaml merged the way the Pulumi CLI does."""

from __future__ import annotations

import json
import textwrap

import pytest
import yaml

from components.config import OFFLINE_SECRET, SECRET_KEYS
from drctl.stackconfig import StackConfigError, load_raw_config


def _project(tmp_path, project_config: str, stack_config: str = "", stack: str = "dev", name: str = "proj"):
    (tmp_path / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n" + textwrap.dedent(project_config))
    (tmp_path / f"Pulumi.{stack}.yaml").write_text(textwrap.dedent(stack_config))
    return tmp_path


@pytest.mark.parametrize(
    ("project", "stack", "key", "value"),
    [
        # project defaults: plain values, strings as given, others as the CLI renders them
        ("config:\n  greeting: hello\n", "", "proj:greeting", "hello"),
        ("config:\n  count: 3\n", "", "proj:count", "3"),
        ("config:\n  enabled: true\n", "", "proj:enabled", "true"),
        ("config:\n  names: [a, b]\n", "", "proj:names", '["a", "b"]'),
        # the declaration forms
        ("config:\n  size:\n    type: string\n    default: small\n", "", "proj:size", "small"),
        ("config:\n  size:\n    value: large\n", "", "proj:size", "large"),
        ("config:\n  spec:\n    value:\n      a: 1\n      b: [x]\n", "", "proj:spec", '{"a": 1, "b": ["x"]}'),
        # namespaced keys keep their namespace
        ("config:\n  aws:region: us-east-1\n", "", "aws:region", "us-east-1"),
        # the stack wins
        ("config:\n  greeting: hello\n", "config:\n  proj:greeting: bye\n", "proj:greeting", "bye"),
        ("config:\n  size:\n    default: small\n", "config:\n  proj:size: large\n", "proj:size", "large"),
        ("config:\n  aws:region: us-east-1\n", "config:\n  aws:region: us-west-2\n", "aws:region", "us-west-2"),
        # a stack object replaces the project's whole object: no deep merge (pulumi/pulumi#17948)
        ("config:\n  spec:\n    value:\n      a: 1\n      b: 2\n", "config:\n  proj:spec:\n    a: 9\n", "proj:spec", '{"a": 9}'),
        # keys only in the stack file
        ("config: {}\n", "config:\n  proj:only: here\n", "proj:only", "here"),
        ("", "config:\n  proj:obj:\n    k: [1, 2]\n", "proj:obj", '{"k": [1, 2]}'),
    ],
)
def test_merge(tmp_path, project, stack, key, value):
    raw = load_raw_config(_project(tmp_path, project, stack), "dev")
    assert raw.project == "proj" and raw.stack == "dev"
    assert raw.values[key] == value


def test_objects_arrive_as_json_the_program_parses(tmp_path):
    raw = load_raw_config(_project(tmp_path, "config:\n  spec:\n    value:\n      nested: {deep: [1, {x: y}]}\n"), "dev")
    assert json.loads(raw.values["proj:spec"]) == {"nested": {"deep": [1, {"x": "y"}]}}


def test_secure_values_become_marked_placeholders(tmp_path):
    raw = load_raw_config(_project(tmp_path, "", "config:\n  proj:token:\n    secure: AAABAMWO68C8qxo2\n"), "dev")
    assert raw.values["proj:token"] == f"{OFFLINE_SECRET}:proj:token"
    assert "proj:token" in raw.secret_keys and "proj:token" in raw.placeholders


def test_project_secrets_not_set_anywhere_are_placeholders(tmp_path):
    raw = load_raw_config(_project(tmp_path, "", "", name="dtem-dr"), "dev")
    for key in SECRET_KEYS:
        assert raw.values[key] == f"{OFFLINE_SECRET}:{key}"
    assert raw.placeholders == sorted(SECRET_KEYS)
    assert set(SECRET_KEYS) <= raw.secret_keys


def test_declared_secret_is_a_secret_key(tmp_path):
    raw = load_raw_config(_project(tmp_path, "config:\n  apiKey:\n    secret: true\n    default: abc\n"), "dev")
    assert "proj:apiKey" in raw.secret_keys


@pytest.mark.parametrize(
    ("files", "stack", "message"),
    [
        ({"Pulumi.dev.yaml": ""}, "dev", "Pulumi.yaml: not found in {dir}"),
        ({"Pulumi.yaml": "runtime: python\n", "Pulumi.dev.yaml": ""}, "dev", "Pulumi.yaml: `name` is missing"),
        (
            {"Pulumi.yaml": "name: proj\n", "Pulumi.dev.yaml": "", "Pulumi.prod.yaml": ""},
            "staging",
            "stack 'staging': no Pulumi.staging.yaml (stacks here: dev, prod)",
        ),
        ({"Pulumi.yaml": "name: proj\n", "Pulumi.dev.yaml": "config: [\n"}, "dev", "Pulumi.dev.yaml: not valid YAML"),
        ({"Pulumi.yaml": "- a\n- b\n", "Pulumi.dev.yaml": ""}, "dev", "Pulumi.yaml: expected a mapping at the top level"),
        (
            {"Pulumi.yaml": "name: proj\nconfig:\n  spec:\n    a: 1\n", "Pulumi.dev.yaml": ""},
            "dev",
            "Pulumi.yaml: config.spec: expected a plain value or a declaration (default, description, items, secret, type, "
            "value); got a mapping with a; give an object in the value: form (spec:\n  value:\n    ...), the only one "
            "the Pulumi CLI accepts (pulumi/pulumi#16056)",
        ),
        (
            {"Pulumi.yaml": "name: proj\nconfig:\n  size:\n    type: string\n", "Pulumi.dev.yaml": ""},
            "dev",
            "stack 'dev': Pulumi.yaml declares proj:size without a default; set it in Pulumi.dev.yaml "
            "(pulumi config set <key> <value> --stack dev)",
        ),
    ],
)
def test_errors(tmp_path, files, stack, message):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(StackConfigError) as err:
        load_raw_config(tmp_path, stack)
    assert str(err.value).startswith(message.format(dir=tmp_path))


def test_declared_key_set_by_the_stack_is_fine(tmp_path):
    raw = load_raw_config(_project(tmp_path, "config:\n  size:\n    type: string\n", "config:\n  proj:size: xl\n"), "dev")
    assert raw.values["proj:size"] == "xl"


# ---------------------------------------------------------------------------------------
# The shipped files
# ---------------------------------------------------------------------------------------


def test_shipped_topology_is_project_level_and_identical_for_both_stacks(project_dir):
    document = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())
    topology = document["config"]["dtem-dr:topology"]["value"]
    primary, dr = (load_raw_config(project_dir, s) for s in ("primary", "dr"))
    assert json.loads(primary.values["dtem-dr:topology"]) == json.loads(dr.values["dtem-dr:topology"]) == topology


@pytest.mark.parametrize(
    ("stack", "region", "role", "peer"),
    [("primary", "us-east-1", "active", "dr"), ("dr", "us-west-2", "standby", "primary")],
)
def test_shipped_stack_files_hold_only_what_differs(project_dir, stack, region, role, peer):
    document = yaml.safe_load((project_dir / f"Pulumi.{stack}.yaml").read_text())
    assert document["config"] == {"aws:region": region, "dtem-dr:role": role, "dtem-dr:peerStack": peer}
    raw = load_raw_config(project_dir, stack)
    assert (raw.values["aws:region"], raw.values["dtem-dr:role"], raw.values["dtem-dr:peerStack"]) == (region, role, peer)


def test_runtime_virtualenv_matches_the_makefile(project_dir):
    """The Pulumi CLI and `make` must run the program with the same virtualenv."""
    runtime = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())["runtime"]
    assert runtime["options"]["virtualenv"] == "venv"
    assert "VENV := venv" in (project_dir / "Makefile").read_text()
