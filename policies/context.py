"""The stack the pack is looking at, read from the stack config the engine hands it.

The Pulumi CLI runs the pack with `PULUMI_CONFIG` (the stack's config as JSON, `ns:key` ->
string, objects as JSON strings) and `PULUMI_STACK` in its environment. The pack parses
what it needs here -- site, role, regions, targets per component and level, the stated
assumptions -- and never imports `components/` (design §3): a policy must judge what the
program builds, not share the program's code.

The duration grammar is the topology's (`0s`, `90s`, `15m`, `1h`, `1d`), plus `unbounded`:
a target that states on purpose that no bound is promised at that level.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

PROJECT = "dtem-dr"
LEVELS: tuple[str, ...] = ("L1", "L2", "L3", "L4")
LEVEL_NAMES = {
    "L1": "component failure",
    "L2": "AZ loss",
    "L3": "region loss",
    "L4": "replicated corruption",
}
COMPONENTS: tuple[str, ...] = ("database", "objectStore", "cache", "queue", "secrets", "workloads")
METRICS = ("rto", "rpo")
UNBOUNDED = "unbounded"

# Defaults of `topology.assumptions` (components/config.py `Assumptions`), in seconds; a
# meta-test keeps the two in step. The pack cannot import the model, so it states them.
ASSUMPTION_DEFAULTS: dict[str, float] = {
    "mqReplicationLag": 60,
    "mqPromotionTime": 600,
    "secretsReplicationLag": 60,
    "podStartTime": 60,
    "nodeStartTime": 300,
    "cacheRestoreTime": 1200,
    "backupRestoreTime": 3600,
    "cacheReplicationLag": 1,
    "objectRestoreTime": 3600,
}

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: Any) -> int | None:
    """`"15m"` -> 900; `"unbounded"` -> None. Anything else raises ValueError."""
    if isinstance(value, str) and value.strip() == UNBOUNDED:
        return None
    if not isinstance(value, str) or not _DURATION.match(value):
        raise ValueError(f'expected a duration like "15m" or "unbounded"; got {value!r}')
    m = _DURATION.match(value)
    return int(m.group(1)) * _UNIT[m.group(2)]


def fmt(seconds: float | int | None) -> str:
    """Seconds -> the config syntax, largest exact unit (`900` -> `15m`, `450` -> `450s`);
    None -> `unbounded`. The same form as the topology's, so a message can be pasted back."""
    if seconds is None:
        return UNBOUNDED
    s = int(round(seconds))
    if s == 0:
        return "0s"
    for unit in ("d", "h", "m"):
        if s % _UNIT[unit] == 0:
            return f"{s // _UNIT[unit]}{unit}"
    return f"{s}s"


def _per_level(value: Any, where: str) -> dict[str, int | None]:
    if isinstance(value, Mapping):
        out = {}
        for lvl in LEVELS:
            raw = value.get(lvl, value.get("default"))
            if raw is None:
                raise ValueError(f"{where}.{lvl}: no target and no `default`")
            try:
                out[lvl] = parse_duration(raw)
            except ValueError as exc:
                raise ValueError(f"{where}.{lvl}: {exc}") from None
        return out
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    return {lvl: seconds for lvl in LEVELS}


@dataclass(frozen=True)
class StackContext:
    """What the policies need to know about the stack under analysis."""

    stack: str
    region: str | None
    role: str | None
    regions: dict[str, str]
    peer_wired: bool
    allow_data_loss: bool
    """`dtem-dr:allowDataLoss`: a promotion made with the other region down."""
    topology: dict[str, Any]
    targets: dict[str, dict[str, dict[str, int | None]]]
    """component -> "rto"/"rpo" -> level -> seconds (None = unbounded)."""
    assumptions: dict[str, float]
    problems: list[str] = field(default_factory=list)
    """Why the config could not be read (empty when it could)."""

    @property
    def site(self) -> str | None:
        if not self.region or not self.regions:
            return None
        if self.region == self.regions.get("primary"):
            return "primary"
        if self.region == self.regions.get("dr"):
            return "dr"
        return None

    @property
    def is_primary(self) -> bool:
        return self.site == "primary"

    @property
    def active(self) -> bool:
        return self.role == "active"

    @property
    def failover(self) -> str:
        """`database.failover`: detach (default) or managed."""
        return self.section("database", "failover", default="detach")

    @property
    def global_cluster_owner(self) -> str:
        """`database.globalClusterOwner`: the site declaring the Aurora global cluster."""
        return self.section("database", "globalClusterOwner", default="primary")

    @property
    def peer_region(self) -> str | None:
        site = self.site
        if site is None:
            return None
        return self.regions.get("dr" if site == "primary" else "primary")

    @property
    def peer_stack(self) -> str | None:
        return self.topology.get("_peerStack")

    def target(self, component: str, metric: str, level: str) -> int | None:
        return self.targets.get(component, {}).get(metric, {}).get(level)

    def has_target(self, component: str) -> bool:
        return component in self.targets

    def section(self, *path: str, default: Any = None) -> Any:
        """A raw value of the topology, e.g. `section("workloads", "strategy")`."""
        node: Any = self.topology
        for key in path:
            if not isinstance(node, Mapping) or key not in node:
                return default
            node = node[key]
        return node


def from_config(config: Mapping[str, Any], stack: str = "") -> StackContext:
    """Parse a stack config (`ns:key` -> string or parsed value) into a StackContext.
    Problems are collected, not raised: a policy reports them as a violation."""
    problems: list[str] = []
    topo_raw = config.get(f"{PROJECT}:topology")
    topology: dict[str, Any] = {}
    if isinstance(topo_raw, str):
        try:
            topo_raw = json.loads(topo_raw)
        except json.JSONDecodeError as exc:
            problems.append(f"{PROJECT}:topology is not JSON ({exc})")
            topo_raw = None
    if isinstance(topo_raw, Mapping):
        topology = dict(topo_raw)
    elif topo_raw is None and not problems:
        problems.append(f"{PROJECT}:topology is not in the stack config")
    regions = topology.get("regions") if isinstance(topology.get("regions"), Mapping) else {}
    targets: dict[str, dict[str, dict[str, int | None]]] = {}
    for comp in COMPONENTS:
        spec = topology.get(comp)
        if not isinstance(spec, Mapping):
            if topology:
                problems.append(f"topology.{comp} is missing")
            continue
        entry = {}
        for metric in METRICS:
            if metric not in spec:
                problems.append(f"topology.{comp}.{metric} is missing")
                continue
            try:
                entry[metric] = _per_level(spec[metric], f"topology.{comp}.{metric}")
            except ValueError as exc:
                problems.append(str(exc))
        if len(entry) == len(METRICS):
            targets[comp] = entry
    assumptions = dict(ASSUMPTION_DEFAULTS)
    raw_assumptions = topology.get("assumptions")
    if isinstance(raw_assumptions, Mapping):
        for key, value in raw_assumptions.items():
            try:
                seconds = parse_duration(value)
            except ValueError as exc:
                problems.append(f"topology.assumptions.{key}: {exc}")
                continue
            if seconds is None:
                problems.append(f"topology.assumptions.{key}: an assumption must be a duration; got 'unbounded'")
                continue
            assumptions[key] = float(seconds)
    wired = config.get(f"{PROJECT}:peerWired", True)
    if isinstance(wired, str):
        wired = wired.strip().lower() != "false"
    data_loss = config.get(f"{PROJECT}:allowDataLoss", False)
    if isinstance(data_loss, str):
        data_loss = data_loss.strip().lower() == "true"
    topology["_peerStack"] = config.get(f"{PROJECT}:peerStack")
    return StackContext(
        stack=stack,
        region=config.get("aws:region"),
        role=config.get(f"{PROJECT}:role"),
        regions=dict(regions),
        peer_wired=bool(wired),
        allow_data_loss=bool(data_loss),
        topology=topology,
        targets=targets,
        assumptions=assumptions,
        problems=problems,
    )


def current() -> StackContext:
    """The context of the process's stack (`PULUMI_CONFIG`, `PULUMI_STACK`)."""
    raw = os.environ.get("PULUMI_CONFIG", "")
    stack = os.environ.get("PULUMI_STACK", "")
    try:
        config = json.loads(raw) if raw else {}
    except json.JSONDecodeError as exc:
        ctx = from_config({}, stack)
        return StackContext(**{**ctx.__dict__, "problems": [f"PULUMI_CONFIG is not JSON ({exc})"]})
    return _from_cached(raw, stack) if isinstance(config, dict) else from_config({}, stack)


@lru_cache(maxsize=8)
def _from_cached(raw: str, stack: str) -> StackContext:
    return from_config(json.loads(raw), stack)
