"""The pack's own rules: names unique and kebab-case, one policy per file, every policy
documented in POLICIES.md and tested, the enforcement map pinned, config.json valid."""

import ast
import importlib
import json
import re
from pathlib import Path

import jsonschema
import pytest

from policies import figures
from policies.context import ASSUMPTION_DEFAULTS
from policies.pack import MODULES, RULES

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"

ENFORCEMENT = {
    "resilience-targets": "mandatory",
    "resilience-target-ceiling": "mandatory",
    "resilience-region-loss-unprotected": "advisory",
    "aurora-backup-retention": "mandatory",
    "aurora-deletion-protection": "mandatory",
    "aurora-customer-kms-key": "mandatory",
    "aurora-not-publicly-accessible": "mandatory",
    "aurora-global-membership": "mandatory",
    "aurora-secondary-ignores-replication-source": "mandatory",
    "s3-versioning-enabled": "mandatory",
    "s3-public-access-blocked": "mandatory",
    "s3-kms-encryption": "mandatory",
    "s3-cross-region-replication": "mandatory",
    "s3-replication-time-control": "mandatory",
    "elasticache-multi-az": "mandatory",
    "elasticache-automatic-failover": "mandatory",
    "elasticache-snapshot-retention": "mandatory",
    "mq-multi-az-deployment": "mandatory",
    "mq-crdr-replica": "mandatory",
    "secrets-cross-region-replica": "mandatory",
    "k8s-active-min-replicas": "mandatory",
    "k8s-standby-warm-replicas": "mandatory",
    "k8s-zone-topology-spread": "mandatory",
    "k8s-health-probes": "mandatory",
    "k8s-pod-disruption-budget": "mandatory",
    "k8s-image-registry-in-region": "advisory",
    "network-subnets-three-azs": "mandatory",
    "network-nat-gateway-per-az": "mandatory",
    "backup-cross-region-copy": "mandatory",
    "stateful-resource-protected": "mandatory",
    "exemption-reason-required": "mandatory",
}


def rule_files():
    return sorted(
        p
        for p in (POLICIES / "rules").glob("*/*.py")
        if not p.name.startswith("_") and p.name != "base.py"
    )


def test_names_are_unique_and_kebab_case():
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", n) for n in names), names


def test_one_policy_per_file_and_every_file_in_the_pack():
    modules = {m.__name__.split("policies.", 1)[1] for m in MODULES}
    files = {".".join(p.relative_to(POLICIES).with_suffix("").parts) for p in rule_files()}
    assert modules == files
    for path in rule_files():
        module = importlib.import_module("policies." + ".".join(path.relative_to(POLICIES).with_suffix("").parts))
        assert module.POLICY.area == path.parent.name, path
        tree = ast.parse(path.read_text())
        assert sum(1 for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "Rule") == 1, path


def test_the_enforcement_map_is_pinned(pack_primary):
    assert {r.name: r.enforcement for r in RULES} == ENFORCEMENT
    config = json.loads((POLICIES / "config.json").read_text())
    assert {name: entry["enforcementLevel"] for name, entry in config.items()} == ENFORCEMENT
    from drctl.analyzer import _level_name

    assert {p.name: _level_name(p.enforcementLevel) for p in pack_primary.process.info().policies} == ENFORCEMENT


def test_every_policy_is_documented_in_policies_md():
    doc = (POLICIES / "POLICIES.md").read_text()
    rows = {m.group(1): m.group(0) for m in re.finditer(r'^\| <a id="([a-z0-9-]+)"></a>`\1` \|.*$', doc, re.M)}
    assert list(rows) == [r.name for r in RULES]
    for rule in RULES:
        cells = [c.strip() for c in rows[rule.name].strip("|").split(" | ")]
        assert cells[1:3] == [rule.area, rule.enforcement], rule.name
        assert cells[3] == rule.description.replace("|", "\\|"), rule.name
        assert cells[5] == rule.remediation.replace("|", "\\|"), rule.name


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_every_policy_is_tested(rule):
    module = next(m for m in MODULES if m.POLICY is rule)
    area, name = module.__name__.split(".")[-2:]
    test_file = ROOT / "tests" / "policies" / area / f"test_{name}.py"
    assert test_file.exists(), test_file
    assert f'POLICY = "{rule.name}"' in test_file.read_text(), test_file


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_every_policy_has_its_metadata(rule):
    assert rule.description and rule.why and rule.remediation and rule.tags
    assert rule.severity in ("low", "medium", "high", "critical")
    assert rule.stack or rule.types


def test_config_json_is_valid_against_the_schemas():
    # What the Pulumi CLI does with --policy-pack-config (gojsonschema over each schema).
    config = json.loads((POLICIES / "config.json").read_text())
    by_name = {r.name: r for r in RULES}
    for name, entry in config.items():
        props = {k: v for k, v in entry.items() if k != "enforcementLevel"}
        schema = {"type": "object", "properties": by_name[name].config, "additionalProperties": False}
        jsonschema.validate(props, schema)


def test_schema_defaults_are_valid_too():
    for rule in RULES:
        for key, schema in rule.config.items():
            jsonschema.validate(schema["default"], schema)


def test_unpublished_figures_default_to_the_config_models_assumptions():
    from components.config import Assumptions

    model = Assumptions()
    from pydantic.alias_generators import to_camel

    defaults = {to_camel(k): v for k, v in model.model_dump().items()}
    assert defaults == {k: int(v) for k, v in ASSUMPTION_DEFAULTS.items()}
    for fig in figures.FIGURES.values():
        if not fig.published:
            assert fig.assumption_key in defaults and fig.seconds == defaults[fig.assumption_key], fig.key


def test_policies_never_import_components():
    for path in POLICIES.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n == "components" or n.startswith("components.") for n in names), path


def test_main_only_assembles_the_pack():
    tree = ast.parse((POLICIES / "__main__.py").read_text())
    assert not [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    calls = [n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
    assert calls.count("PolicyPack") == 1
