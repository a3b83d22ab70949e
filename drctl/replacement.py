"""Which input changes replace a resource, per type: the provider schemas' ForceNew table.

The data (`drctl/data/replacement-properties.json`) was read from the provider sources and
is copied here with its source note intact: terraform-provider-aws schemas (ForceNew,
CustomizeDiff) for AWS, pulumi-kubernetes `provider/pkg/provider/diff.go` for Kubernetes;
the file names the commit each entry came from. Inputs newer than the sources read are
`unverified` and treated as replacing until shown otherwise (design §6).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from policies.resources import STATEFUL

DATA = Path(__file__).resolve().parent / "data" / "replacement-properties.json"

# Resources whose replacement or deletion loses data (design §4.3): the policy pack's list.
STATEFUL_TYPES = frozenset(STATEFUL)

_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Classification:
    kind: str
    """`replace`, `conditional` (replaces in some cases: see reason), `update`, or
    `unknown` (the type is not in the table)."""
    reason: str = ""


@dataclass(frozen=True)
class TypeRules:
    type: str
    replace_on_change: tuple[str, ...]
    conditional: dict[str, str]
    unverified: dict[str, str]
    source: str

    def classify(self, path: str) -> Classification:
        """Classify a change at `path` (camelCase, dot-joined, list indices ignored)."""
        path = _INDEX.sub("", path)

        def related(rule: str) -> bool:
            return path == rule or path.startswith(rule + ".") or rule.startswith(path + ".")

        forced = [r for r in self.replace_on_change if related(r)]
        conditional = [r for r in self.conditional if related(r)]
        if forced:
            if conditional:
                return Classification("conditional", self.conditional[conditional[0]])
            return Classification("replace", f"{forced[0]} is replace-on-change ({self.source})")
        if conditional:
            return Classification("conditional", self.conditional[conditional[0]])
        unverified = [r for r in self.unverified if related(r)]
        if unverified:
            return Classification("replace", f"{unverified[0]} is unverified, treated as replacing: {self.unverified[unverified[0]]}")
        return Classification("update")


@lru_cache(maxsize=1)
def _table() -> dict[str, TypeRules]:
    doc = json.loads(DATA.read_text())
    rules = {}
    for type_, entry in doc["types"].items():
        src = entry.get("tfSource") or {}
        source = (
            f"{src.get('repo', 'hashicorp/terraform-provider-aws')} {entry.get('file')}"
            if entry.get("terraform")
            else f"{entry.get('k8sSource', 'pulumi-kubernetes')} {entry.get('file')}"
        )
        rules[type_] = TypeRules(
            type=type_,
            replace_on_change=tuple(entry.get("replaceOnChange", [])),
            conditional=dict(entry.get("conditional", {})),
            unverified=dict(entry.get("unverified", {})),
            source=source,
        )
    return rules


def rules_for(type_: str) -> TypeRules | None:
    return _table().get(type_)


def classify(type_: str, path: str, replace_on_changes: list[str] | tuple[str, ...] = ()) -> Classification:
    """How a change of `path` on a resource of `type_` is applied. `replace_on_changes` is
    the resource's own `replaceOnChanges` option, which forces replacement too."""
    clean = _INDEX.sub("", path)
    for rule in replace_on_changes:
        rule = rule.replace("[*]", "")
        if rule == "*" or clean == rule or clean.startswith(rule + "."):
            return Classification("replace", f"{rule} is in the resource's replaceOnChanges option")
    rules = rules_for(type_)
    if rules is None:
        if type_.startswith("pulumi-python:dynamic"):
            # Dynamic providers here never ask for replacement (their diff returns
            # replaces=[]); see components/promotions.
            return Classification("update")
        return Classification("unknown", f"{type_} is not in the replacement table")
    return rules.classify(path)
