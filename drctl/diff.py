"""The difference between two offline runs of a stack, resource by resource.

Matched by URN (what the engine matches on): created, deleted, changed -- each change with
its changed input paths and, from the replacement table (`drctl.replacement`), whether
the engine would update it in place or replace it. Inputs listed in a resource's
`ignoreChanges` are not compared: the engine keeps the old value for them on update.
Used by the failover plan and the PR preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drctl.engine import Capture, Registration
from drctl.replacement import STATEFUL_TYPES, classify

_MISSING = object()


@dataclass
class ResourceChange:
    urn: str
    type: str
    name: str
    component: str | None
    kind: str
    """`create`, `delete`, `update` or `replace`."""
    region_before: str | None = None
    region_after: str | None = None
    changed: list[str] = field(default_factory=list)
    """Changed input paths (camelCase, dot-joined, `[i]` for list items)."""
    replace_reasons: dict[str, str] = field(default_factory=dict)
    """Path -> why it replaces (or may replace: `conditional`)."""
    conditional: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    """Paths whose type has no replacement data."""
    option_changes: list[str] = field(default_factory=list)
    """Changed resource options (protect, provider, ignoreChanges...)."""

    @property
    def stateful(self) -> bool:
        return self.type in STATEFUL_TYPES

    @property
    def region(self) -> str | None:
        return self.region_after or self.region_before

    @property
    def top_level_keys(self) -> list[str]:
        return sorted({p.split(".")[0].split("[")[0] for p in self.changed})

    def to_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "component": self.component,
            "kind": self.kind,
            "stateful": self.stateful,
            "region": self.region,
            "regionBefore": self.region_before,
            "regionAfter": self.region_after,
            "changed": self.changed,
            "replaceReasons": self.replace_reasons,
            "conditional": self.conditional,
            "unknown": self.unknown,
            "optionChanges": self.option_changes,
        }


@dataclass
class StackDiff:
    stack: str
    changes: list[ResourceChange]

    def of_kind(self, kind: str) -> list[ResourceChange]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def created(self) -> list[ResourceChange]:
        return self.of_kind("create")

    @property
    def deleted(self) -> list[ResourceChange]:
        return self.of_kind("delete")

    @property
    def updated(self) -> list[ResourceChange]:
        return self.of_kind("update")

    @property
    def replaced(self) -> list[ResourceChange]:
        return self.of_kind("replace")

    @property
    def empty(self) -> bool:
        return not self.changes

    def counts(self) -> dict[str, int]:
        return {k: len(self.of_kind(k)) for k in ("create", "update", "replace", "delete")}

    def to_json(self) -> dict[str, Any]:
        return {"stack": self.stack, "counts": self.counts(), "changes": [c.to_json() for c in self.changes]}


def changed_paths(before: Any, after: Any, prefix: str = "") -> list[str]:
    """Leaf paths where `before` and `after` differ."""
    if before is _MISSING or after is _MISSING:
        return [prefix]
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[str] = []
        for key in sorted(set(before) | set(after)):
            path = f"{prefix}.{key}" if prefix else key
            b, a = before.get(key, _MISSING), after.get(key, _MISSING)
            if b is _MISSING and a is None or a is _MISSING and b is None:
                continue
            if b != a:
                out.extend(changed_paths(b, a, path))
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        out = []
        for i, (b, a) in enumerate(zip(before, after)):
            if b != a:
                out.extend(changed_paths(b, a, f"{prefix}[{i}]"))
        return out
    return [prefix] if before != after else []


def _ignored(path: str, ignore: list[str]) -> bool:
    clean = path.replace("[", ".[")
    for rule in ignore:
        if path == rule or path.startswith(rule + ".") or path.startswith(rule + "[") or clean.startswith(rule + "."):
            return True
    return False


def _compare(before: Registration, after: Registration) -> ResourceChange | None:
    ignore = list(after.ignore_changes)
    paths = [p for p in changed_paths(before.inputs, after.inputs) if p and not _ignored(p, ignore)]
    options = []
    if bool(before.protect) != bool(after.protect):
        options.append("protect")
    if before.region != after.region:
        options.append("region")
    if sorted(before.ignore_changes) != sorted(after.ignore_changes):
        options.append("ignoreChanges")
    if before.provider_urn != after.provider_urn:
        options.append("provider")
    if not paths and not options:
        return None
    change = ResourceChange(
        urn=after.urn,
        type=after.type,
        name=after.name,
        component=after.component,
        kind="update",
        region_before=before.region,
        region_after=after.region,
        changed=paths,
        option_changes=options,
    )
    for path in paths:
        cls = classify(after.type, path, after.replace_on_changes)
        if cls.kind == "replace":
            change.replace_reasons[path] = cls.reason
        elif cls.kind == "conditional":
            change.conditional[path] = cls.reason
        elif cls.kind == "unknown":
            change.unknown.append(path)
    if change.replace_reasons or "region" in options:
        change.kind = "replace"
        if "region" in options:
            change.replace_reasons.setdefault("region", f"managed in {after.region} instead of {before.region}")
    return change


def diff_captures(before: Capture, after: Capture) -> StackDiff:
    """What `pulumi up` would do to go from the state `before` to the program `after`."""
    old = {r.urn: r for r in before.custom()}
    new = {r.urn: r for r in after.custom()}
    changes: list[ResourceChange] = []
    for urn in sorted(set(old) | set(new)):
        b, a = old.get(urn), new.get(urn)
        if b is None:
            changes.append(ResourceChange(urn=urn, type=a.type, name=a.name, component=a.component, kind="create", region_after=a.region))
        elif a is None:
            changes.append(ResourceChange(urn=urn, type=b.type, name=b.name, component=b.component, kind="delete", region_before=b.region))
        else:
            change = _compare(b, a)
            if change is not None:
                changes.append(change)
    return StackDiff(stack=after.stack, changes=changes)
