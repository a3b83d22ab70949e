"""Exemptions are data: `{policy, resource, reason}` entries in `policies/exemptions.json`
(or the file named by `DTEM_POLICY_EXEMPTIONS`, which `drctl check --exemptions` and the
tests use). `resource` names what is exempted: a URN, a Pulumi resource name, a physical
name (`dtem-db-us-west-2`), or `<component>/<level>` for the resilience policies.

An exemption without a reason exempts nothing, and the policy `exemption-reason-required`
reports it as a violation: an exception nobody can explain is a hole nobody will close.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ENV = "DTEM_POLICY_EXEMPTIONS"
DEFAULT = Path(__file__).resolve().with_name("exemptions.json")


@dataclass(frozen=True)
class Exemption:
    index: int
    policy: str
    resource: str
    reason: str

    @property
    def valid(self) -> bool:
        return bool(self.policy and self.resource and self.reason.strip())


def path() -> Path:
    return Path(os.environ.get(ENV) or DEFAULT)


_cache: dict[tuple[str, float], tuple[list[Exemption], list[str]]] = {}


def load() -> tuple[list[Exemption], list[str]]:
    """The exemptions, and the problems that make the file or an entry unreadable."""
    p = path()
    try:
        stamp = (str(p), p.stat().st_mtime)
    except FileNotFoundError:
        return [], [] if p == DEFAULT else [f"exemptions file {p} does not exist"]
    if stamp in _cache:
        return _cache[stamp]
    problems: list[str] = []
    entries: list[Exemption] = []
    try:
        data = json.loads(p.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        result = ([], [f"exemptions file {p.name} is not readable JSON ({exc})"])
        _cache[stamp] = result
        return result
    items = data.get("exemptions") if isinstance(data, dict) else data
    if not isinstance(items, list):
        problems.append(f"exemptions file {p.name}: expected a list of {{policy, resource, reason}}")
        items = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(f"exemption #{i}: expected an object {{policy, resource, reason}}; got {item!r}")
            continue
        unknown = sorted(set(item) - {"policy", "resource", "reason"})
        if unknown:
            problems.append(f"exemption #{i}: unknown key(s) {', '.join(unknown)}; an exemption has policy, resource and reason")
        entries.append(
            Exemption(
                index=i,
                policy=str(item.get("policy") or ""),
                resource=str(item.get("resource") or ""),
                reason=str(item.get("reason") or ""),
            )
        )
    _cache[stamp] = (entries, problems)
    return entries, problems


def exempt(policy: str, keys: Iterable[str]) -> bool:
    """Is a violation of `policy` by the resource known by `keys` exempted (with a reason)?"""
    keys = set(keys)
    return any(e.valid and e.policy == policy and e.resource in keys for e in load()[0])
