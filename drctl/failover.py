"""`drctl plan --stack dr --failover` and `drctl plan --stack primary --failback`.

**Failover.** Runs the dr stack through the offline engine twice -- its role `standby`
and `active`, with the same peer outputs -- and diffs the two runs (`drctl.diff`): what
`pulumi up --stack dr` does after the one-line flip. Replacements that follow from another
resource's replacement (a ForceNew input computed from it) are added, so a flip that
re-creates a subnet group also shows the cluster it would take along. Four checks; each
finding names the resource and the property, and any finding makes the exit code 1:

1. a stateful resource (`drctl.replacement.STATEFUL_TYPES`) is replaced or deleted -- or
   may be (a conditional ForceNew);
2. a resource managed outside the dr stack's region is created, changed or deleted, or a
   changed resource has no region (no explicit provider: it goes where the environment
   points);
3. a Route 53 or IAM resource is created, changed or deleted (their control planes are in
   us-east-1, design §4.2);
4. the flip depends on something only the primary region can answer. Precisely:
   a. a provider configured for the primary region exists in the stack (the engine
      configures every provider at each `up`, and the AWS provider checks its
      credentials in its region);
   b. an invoke (data source) runs through a provider in the primary region, or against
      the Route 53 / IAM control plane when the primary region is us-east-1;
   c. a value that names a primary-region resource -- an ARN, endpoint, AZ or region code
      of the primary region -- is an input of a resource the flip creates (any input) or
      changes (a changed input). Conservative on purpose: the API receiving it may
      dereference it in the primary region;
   d. a promotion whose mode waits for the current writer (Aurora `switchover`, mq
      `SWITCHOVER`, see components/promotions) is switched on by the flip.
   Reading the primary stack's outputs is *not* a dependency on the primary region: a
   StackReference reads the state backend, which must live outside the primary region
   (design §4.7; README). A peer output used by what the flip creates or changes is fine
   as long as its value does not name a primary-region resource (4c); the plan lists the
   outputs it reads.

It prints the ordered steps with an estimated duration each (policies/figures.py, each
labelled with its source or stated assumption), the critical path, the estimated L3 RTO
next to the declared L3 RTO targets, and why secrets, object store and traffic do not
change. Estimates start at `pulumi up` (detection and the decision to fail over are not
included) and assume Pulumi applies independent changes in parallel.

**Failback** (after a detach failover): the same machinery over the stages the program
declares (components/database.py, `topology.database.globalClusterOwner`):

1. *rejoin* -- Pulumi.yaml `globalClusterOwner: dr`, Pulumi.primary.yaml `role: standby`;
   `pulumi up --stack dr` creates a new global cluster from the promoted dr cluster;
   `pulumi up --stack primary` re-creates the old writer as its secondary (the expected
   replacements: cluster, instances, the old global cluster), fences the primary's
   health checks (inverted: users stay on the dr records) and scales down;
2. *return* -- Pulumi.primary.yaml `role: active`, Pulumi.dr.yaml `role: standby`;
   `pulumi up --stack primary` switches the writer, cache and broker over (RPO 0) and then
   lifts the fence, and `pulumi up --stack dr` scales the dr region down.

Every run is checked with checks 1-3; replacements and deletions of the database's own
stateful resources on the stack being re-created, and the primary's health-check fence,
are expected, listed with what they require (protection, deletion protection), never
hidden; anything else is a finding.
Check 4 does not apply: a failback needs both regions by definition.
"""

from __future__ import annotations

import copy
import json
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from components.config import StackConfig, load_stack_config
from components.promotions import TYPES as PROMOTION_TYPES
from components.promotions.aurora_failover import NEEDS_WRITER_REGION as AURORA_NEEDS_WRITER
from components.promotions.queue_promotion import NEEDS_WRITER_REGION as QUEUE_NEEDS_WRITER
from drctl.diff import ResourceChange, StackDiff, diff_captures
from drctl.engine import COMPUTED_MARK, SECRET_MARK, Capture, EngineError, Registration, Topology, run_stack, run_topology
from drctl.plan import COMPONENT_NAMES
from drctl.replacement import classify
from drctl.stackconfig import StackConfigError
from policies.figures import FIGURES, figure, route53_failover_seconds

PROJECT = "dtem-dr"
ROLE = f"{PROJECT}:role"
TOPOLOGY = f"{PROJECT}:topology"
CONTROL_PLANE_REGION = "us-east-1"
"""Route 53 and IAM control planes (AWS Fault Isolation Boundaries, global services)."""
GLOBAL_CONTROL_PLANES = ("route53", "iam")

CHECKS = {
    1: "no stateful resource is replaced or deleted",
    2: "every change is managed in the stack's region",
    3: "no Route 53 or IAM resource is created, changed or deleted",
    4: "nothing depends on the primary region",
}

TARGET_COMPONENTS = ("database", "workloads", "queue", "cache", "objectStore", "secrets")
UNCHANGED_COMPONENTS = ("secrets", "objectStore", "traffic")


class FailoverPlanError(Exception):
    """The plan could not be computed (a config or program error): exit code 2."""


# ---------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------


@dataclass
class Finding:
    check: int
    resource: str
    """The resource's logical name (the last URN segment)."""
    urn: str
    type: str
    property: str
    """The input path (camelCase), or `(created)` / `(deleted)` / `region` / an invoke token."""
    detail: str
    stack: str = ""
    expected: bool = False
    """Failback only: a replacement the procedure requires (listed, never hidden)."""
    requires: list[str] = field(default_factory=list)
    """Failback only: what an expected replacement needs first (unprotect, ...)."""

    @property
    def message(self) -> str:
        head = "expected" if self.expected else f"check {self.check}"
        where = f"{self.stack}: " if self.stack else ""
        return f"{head}: {where}{self.resource} ({self.type}) {self.property}: {self.detail}"

    def __str__(self) -> str:
        return self.message

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "stack": self.stack,
            "resource": self.resource,
            "urn": self.urn,
            "type": self.type,
            "property": self.property,
            "detail": self.detail,
            "expected": self.expected,
            "requires": self.requires,
            "message": self.message,
        }


@dataclass
class Step:
    id: str
    component: str
    title: str
    seconds: float | None
    source: str
    """The figure's source, or the stated assumption it rests on."""
    figure: str | None = None
    resources: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    starts: float = 0.0

    @property
    def finishes(self) -> float:
        return self.starts + (self.seconds or 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "component": self.component,
            "title": self.title,
            "seconds": self.seconds,
            "startsSeconds": self.starts,
            "finishesSeconds": self.finishes,
            "source": self.source,
            "figure": self.figure,
            "resources": self.resources,
            "after": self.after,
        }


@dataclass
class FailoverPlan:
    """What flipping the dr stack's role to active does, classified and estimated."""

    stack: str
    region: str
    primary_region: str
    diff: StackDiff
    findings: list[Finding]
    steps: list[Step]
    critical_path: list[str]
    """Step ids, first to last."""
    estimated_rto_seconds: float
    targets: dict[str, int | None]
    """Component -> declared L3 RTO (seconds; None = unbounded)."""
    component_estimates: dict[str, float]
    """Component -> estimated L3 RTO (its own steps, then traffic moving)."""
    unchanged: dict[str, str]
    """Component -> why the flip does not change it."""
    peer_outputs: list[str]
    """`output (resource)` the changed resources read from the primary stack's state."""
    config: dict[str, str] = field(default_factory=dict)
    """The dr stack's flipped config (role active), as the program received it."""

    @property
    def ok(self) -> bool:
        return not self.findings

    def passed(self, check: int) -> bool:
        return not any(f.check == check for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "failover",
            "stack": self.stack,
            "region": self.region,
            "primaryRegion": self.primary_region,
            "roleBefore": "standby",
            "roleAfter": "active",
            "ok": self.ok,
            "counts": self.diff.counts(),
            "changes": [_change_json(c) for c in self.diff.changes],
            "checks": [
                {"check": n, "title": CHECKS[n], "passed": self.passed(n), "findings": sum(f.check == n for f in self.findings)}
                for n in CHECKS
            ],
            "findings": [f.to_json() for f in self.findings],
            "steps": [s.to_json() for s in self.steps],
            "criticalPath": self.critical_path,
            "estimatedRtoSeconds": self.estimated_rto_seconds,
            "estimatedRto": _dur(self.estimated_rto_seconds),
            "targets": self.targets,
            "componentEstimates": {
                c: {
                    "estimatedSeconds": est,
                    "targetSeconds": self.targets.get(c),
                    "met": _met(est, self.targets.get(c)),
                }
                for c, est in self.component_estimates.items()
            },
            "unchanged": self.unchanged,
            "peerOutputsRead": self.peer_outputs,
        }

    def render(self, fmt: str = "text") -> str:
        if fmt == "json":
            return json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n"
        if fmt == "md":
            return _failover_md(self)
        return _failover_text(self)


@dataclass
class Run:
    """One `pulumi up` of a failback stage, as the offline engine sees it."""

    stack: str
    command: str
    purpose: str
    region: str
    diff: StackDiff
    findings: list[Finding]

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "command": self.command,
            "purpose": self.purpose,
            "region": self.region,
            "counts": self.diff.counts(),
            "changes": [_change_json(c) for c in self.diff.changes],
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass
class Stage:
    name: str
    summary: str
    edits: list[str]
    runs: list[Run]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "summary": self.summary, "edits": self.edits, "runs": [r.to_json() for r in self.runs]}


@dataclass
class FailbackPlan:
    """What returning to the primary region takes, stage by stage, computed offline."""

    stack: str
    mode: str
    """The database's failover mode the plan starts from (`detach` or `managed`)."""
    primary_region: str
    dr_region: str
    stages: list[Stage]
    notes: list[str]

    @property
    def findings(self) -> list[Finding]:
        """Unexpected findings only: any makes the plan unsafe."""
        return [f for s in self.stages for r in s.runs for f in r.findings if not f.expected]

    @property
    def expected(self) -> list[Finding]:
        return [f for s in self.stages for r in s.runs for f in r.findings if f.expected]

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "failback",
            "stack": self.stack,
            "mode": self.mode,
            "primaryRegion": self.primary_region,
            "drRegion": self.dr_region,
            "ok": self.ok,
            "stages": [s.to_json() for s in self.stages],
            "expectedReplacements": [f.to_json() for f in self.expected],
            "findings": [f.to_json() for f in self.findings],
            "notes": self.notes,
        }

    def render(self, fmt: str = "text") -> str:
        if fmt == "json":
            return json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n"
        if fmt == "md":
            return _failback_md(self)
        return _failback_text(self)


# ---------------------------------------------------------------------------------------
# Running the stacks
# ---------------------------------------------------------------------------------------


def _site_stacks(project_dir: Path) -> dict[str, str]:
    """site -> stack name, from the stack files' regions (the stacks are named freely)."""
    from drctl.stackconfig import load_raw_config

    out: dict[str, str] = {}
    for path in sorted(project_dir.glob("Pulumi.*.yaml")):
        stack = path.name[len("Pulumi.") : -len(".yaml")]
        try:
            raw = load_raw_config(project_dir, stack)
            cfg = load_stack_config(raw.values, stack)
        except Exception:  # a stack file that does not load is not one of ours
            continue
        out.setdefault(cfg.site, stack)
    return out


def stack_config(capture: Capture) -> StackConfig:
    return load_stack_config(capture.config, capture.stack)


def _topology_json(cfg: StackConfig) -> dict[str, Any]:
    return json.loads(cfg.topology.model_dump_json(by_alias=True))


def _with_database(config: dict[str, str], **db: Any) -> str:
    topo = json.loads(config[TOPOLOGY])
    topo.setdefault("database", {}).update(db)
    return json.dumps(topo)


def _run(project_dir: Path, stack: str, overrides: dict[str, Any], peer: dict[str, Any] | None) -> Capture:
    return run_stack(project_dir, stack, overrides=overrides, peer_outputs=peer)


def _run_topology(project_dir: Path, over: dict[str, dict[str, Any]]) -> Topology:
    """`run_topology`, and also after a failback: once the dr stack owns the global
    cluster, the primary cannot run unwired (it joins the dr stack's global cluster), so
    its first pass -- which only provides the outputs the dr stack reads: key, bucket,
    broker, vault, global datastore -- is run as the original deployment was, owner
    primary."""
    from drctl.stackconfig import load_raw_config

    sites = _site_stacks(project_dir)
    p_stack, d_stack = sites.get("primary", "primary"), sites.get("dr", "dr")
    raw = dict(load_raw_config(project_dir, p_stack).values)
    raw.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in over.get(p_stack, {}).items()})
    topo = json.loads(raw[TOPOLOGY]) if isinstance(raw.get(TOPOLOGY), str) else {}
    if (topo.get("database") or {}).get("globalClusterOwner") != "dr":
        return run_topology(project_dir, overrides=over, primary_stack=p_stack, dr_stack=d_stack)
    p_over = over.get(p_stack, {})
    original = {TOPOLOGY: _with_database(raw, globalClusterOwner="primary")}
    first = _run(project_dir, p_stack, {**p_over, **original, ROLE: "active", f"{PROJECT}:peerWired": "false"}, None)
    dr = _run(project_dir, d_stack, over.get(d_stack, {}), first.exports)
    primary = _run(project_dir, p_stack, p_over, dr.exports)
    return Topology(primary=primary, dr=dr, first_pass=first)


# ---------------------------------------------------------------------------------------
# Diff: dependent replacements
# ---------------------------------------------------------------------------------------


def with_dependent_replacements(diff: StackDiff, before: Capture, after: Capture) -> StackDiff:
    """Add the replacements that follow from others: a resource whose ForceNew input is
    computed from a replaced resource gets an unknown value at preview, so the engine
    replaces it too (e.g. the instances of a re-created cluster)."""
    changes = {c.urn: copy.deepcopy(c) for c in diff.changes}
    old = before.by_urn()
    names = after.by_urn()
    grew = True
    while grew:
        grew = False
        replaced = {urn for urn, c in changes.items() if c.kind == "replace"}
        for reg in after.custom():
            if reg.urn not in old or changes.get(reg.urn, None) is not None and changes[reg.urn].kind in ("replace", "create"):
                continue
            for prop, deps in sorted(reg.property_dependencies.items()):
                hit = [d for d in deps if d in replaced]
                if not hit:
                    continue
                cls = classify(reg.type, prop, reg.replace_on_changes)
                if cls.kind != "replace":
                    continue
                change = changes.get(reg.urn) or ResourceChange(
                    urn=reg.urn,
                    type=reg.type,
                    name=reg.name,
                    component=reg.component,
                    kind="update",
                    region_before=old[reg.urn].region,
                    region_after=reg.region,
                )
                source = names[hit[0]].name if hit[0] in names else hit[0]
                change.kind = "replace"
                if prop not in change.changed:
                    change.changed.append(prop)
                change.replace_reasons[prop] = (
                    f"computed from {source}, which is replaced (unknown until re-created); {cls.reason}"
                )
                changes[reg.urn] = change
                grew = True
                break
    return StackDiff(stack=diff.stack, changes=[changes[u] for u in sorted(changes)])


# ---------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------


def _module(type_: str) -> str:
    parts = type_.split(":")
    return parts[1].split("/")[0] if len(parts) == 3 else ""


def _prop_of(change: ResourceChange) -> str:
    if change.kind == "create":
        return "(created)"
    if change.kind == "delete":
        return "(deleted)"
    return ", ".join(change.changed or change.option_changes) or "(options)"


def _finding(check: int, change: ResourceChange, prop: str, detail: str, stack: str) -> Finding:
    return Finding(check, change.name, change.urn, change.type, prop, detail, stack=stack)


def check_stateful(diff: StackDiff, stack: str) -> list[Finding]:
    """One finding per stateful resource, naming every property that replaces it."""
    out = []
    for c in diff.changes:
        if not c.stateful:
            continue
        if c.kind == "delete":
            out.append(_finding(1, c, "(deleted)", "a stateful resource would be deleted", stack))
        elif c.kind == "replace":
            reasons = "; ".join(f"{prop}: {reason}" for prop, reason in c.replace_reasons.items())
            out.append(_finding(1, c, ", ".join(c.replace_reasons), f"would be replaced ({reasons})", stack))
        if c.conditional:
            reasons = "; ".join(f"{prop}: {reason}" for prop, reason in c.conditional.items())
            out.append(_finding(1, c, ", ".join(c.conditional), f"may be replaced (conditional ForceNew: {reasons})", stack))
    return out


def check_region(diff: StackDiff, region: str, stack: str) -> list[Finding]:
    out = []
    for c in diff.changes:
        regions = {r for r in (c.region_before, c.region_after) if r is not None}
        if not regions:
            out.append(
                _finding(2, c, "region", "has no region (no explicit provider): it would go wherever the environment points", stack)
            )
        for r in sorted(regions - {region}):
            out.append(_finding(2, c, "region", f"is managed in {r}, not in this stack's region {region} ({c.kind}: {_prop_of(c)})", stack))
    return out


def check_control_planes(diff: StackDiff, stack: str) -> list[Finding]:
    out = []
    for c in diff.changes:
        module = _module(c.type)
        if module in GLOBAL_CONTROL_PLANES and c.type.startswith("aws:"):
            label = "Route 53" if module == "route53" else "IAM"
            out.append(
                _finding(
                    3,
                    c,
                    _prop_of(c),
                    f"{c.kind} of a {label} resource: its control plane is in {CONTROL_PLANE_REGION} "
                    "(design §4.2; Well-Architected REL11-BP04: rely on the data plane during recovery)",
                    stack,
                )
            )
    return out


def _region_pattern(region: str) -> re.Pattern[str]:
    # The region code as a token: in ARNs (`:us-east-1:`), endpoints (`.us-east-1.`) and
    # AZ names (`us-east-1a`), not inside a longer code.
    return re.compile(rf"(?<![a-z0-9-]){re.escape(region)}(?![0-9])")


def _naming(value: Any, pattern: re.Pattern[str], path: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [hit for k, v in sorted(value.items()) if k != "__provider" for hit in _naming(v, pattern, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [hit for i, v in enumerate(value) for hit in _naming(v, pattern, f"{path}[{i}]")]
    if isinstance(value, str) and value not in (SECRET_MARK, COMPUTED_MARK) and pattern.search(value):
        return [(path, value)]
    return []


def _get(inputs: dict[str, Any], path: str) -> Any:
    node: Any = inputs
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            idx = int(part[1:-1])
            node = node[idx] if isinstance(node, list) and idx < len(node) else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
    return node


def check_primary_dependencies(diff: StackDiff, after: Capture, primary_region: str, stack: str) -> list[Finding]:
    out: list[Finding] = []
    pattern = _region_pattern(primary_region)
    # a. providers configured for the primary region
    for reg in after.resources:
        if reg.is_provider and reg.region == primary_region:
            out.append(
                Finding(
                    4, reg.name, reg.urn, reg.type, "region",
                    f"a provider for the primary region {primary_region}: every `up` configures it there", stack=stack,
                )
            )
    # b. invokes answered by the primary region
    for inv in after.invokes:
        module = inv.token.split(":")[1].split("/")[0] if inv.token.count(":") == 2 else ""
        answered = inv.region
        if module in GLOBAL_CONTROL_PLANES and inv.token.startswith("aws:"):
            answered = CONTROL_PLANE_REGION
        if answered == primary_region:
            out.append(
                Finding(
                    4, inv.token.rsplit(":", 1)[-1], inv.provider, "invoke", inv.token,
                    f"a data source answered in {primary_region} runs at every `up`", stack=stack,
                )
            )
    # c. values naming primary-region resources in what the flip creates or changes
    regs = after.by_urn()
    for c in diff.changes:
        reg = regs.get(c.urn)
        if reg is None or c.kind == "delete":
            continue
        if c.kind == "create":
            hits = _naming(reg.inputs, pattern)
        else:
            hits = [(p, v) for p in c.changed for (_, v) in _naming(_get(reg.inputs, p), pattern)]
        for path, value in hits:
            out.append(
                _finding(4, c, path, f"names a resource in the primary region {primary_region} ({value}): the call that uses it may need that region", stack)
            )
    # d. promotions that wait for the current writer
    needs = {PROMOTION_TYPES["AuroraFailover"]: AURORA_NEEDS_WRITER, PROMOTION_TYPES["QueuePromotion"]: QUEUE_NEEDS_WRITER}
    for c in diff.changes:
        reg = regs.get(c.urn)
        if reg is None or c.type not in needs or not reg.inputs.get("promote"):
            continue
        if c.kind == "create" or "promote" in c.changed or "mode" in c.changed:
            why = needs[c.type].get(str(reg.inputs.get("mode")))
            if why:
                out.append(_finding(4, c, "mode", f"{reg.inputs.get('mode')}: {why}", stack))
    return out


def _peer_outputs_read(diff: StackDiff, after: Capture) -> list[str]:
    refs = {r.urn for r in after.resources if r.type == "pulumi:pulumi:StackReference"}
    regs = after.by_urn()
    out = []
    for c in diff.changes:
        reg = regs.get(c.urn)
        if reg is None:
            continue
        props = sorted(k for k, deps in reg.property_dependencies.items() if refs & set(deps))
        if props and (c.kind == "create" or set(props) & {p.split(".")[0].split("[")[0] for p in c.changed}):
            out.append(f"{reg.name}: {', '.join(props)}")
    return out


# ---------------------------------------------------------------------------------------
# Steps and the estimate
# ---------------------------------------------------------------------------------------


def _component(change: ResourceChange) -> str:
    return COMPONENT_NAMES.get(change.component or "", change.component or "(stack)")


def _increased(before: Registration | None, after: Registration, path: str) -> bool:
    b = _get(before.inputs, path) if before is not None else None
    a = _get(after.inputs, path)
    return isinstance(a, (int, float)) and (not isinstance(b, (int, float)) or a > b)


def _fig(key: str, assumptions: dict[str, float]) -> tuple[float | None, str]:
    value, fig = figure(key, assumptions)
    return value, fig.label()


def build_steps(diff: StackDiff, before: Capture, after: Capture, cfg: StackConfig) -> list[Step]:
    """The flip's steps, derived from the diff; durations from policies/figures.py."""
    assumptions = {k: float(v) for k, v in cfg.topology.assumptions.model_dump(by_alias=True).items()}
    old, new = before.by_urn(), after.by_urn()
    steps: dict[str, Step] = {}
    loose: dict[str, list[str]] = {}

    def add(step_id: str, component: str, title: str, key: str, resource: str, after_ids: tuple[str, ...] = ()) -> None:
        seconds, source = _fig(key, assumptions)
        step = steps.setdefault(step_id, Step(step_id, component, title, seconds, source, key, [], list(after_ids)))
        step.resources.append(resource)

    for c in diff.changes:
        reg = new.get(c.urn)
        comp = _component(c)
        promoted = reg is not None and reg.inputs.get("promote") is True and (c.kind == "create" or "promote" in c.changed)
        if c.type == "aws:rds/cluster:Cluster" and "globalClusterIdentifier" in c.changed and reg is not None and not reg.inputs.get("globalClusterIdentifier"):
            add("database", comp, f"detach and promote {c.name} (RemoveFromGlobalCluster in {cfg.region})", "aurora.global.detach_promote", c.name)
        elif c.type == PROMOTION_TYPES["AuroraFailover"] and promoted:
            api = "SwitchoverGlobalCluster" if reg.inputs.get("mode") == "switchover" else "FailoverGlobalCluster AllowDataLoss"
            add("database", comp, f"{api} to {cfg.region} ({c.name})", "aurora.global.managed_failover", c.name)
        elif c.type == PROMOTION_TYPES["CachePromotion"] and promoted:
            add("cache", comp, f"promote the cache's {cfg.region} member (FailoverGlobalReplicationGroup)", "elasticache.global.promotion", c.name)
        elif c.type == "aws:elasticache/replicationGroup:ReplicationGroup" and c.kind == "create":
            seed = (reg.inputs.get("snapshotName") or (reg.inputs.get("snapshotArns") or [None])[0]) if reg else None
            title = f"create the cache group in {cfg.region}, " + (f"seeded from {seed}" if seed else "empty (no restoreSnapshot configured)")
            add("cache", comp, title, "elasticache.restore", c.name)
        elif c.type == PROMOTION_TYPES["QueuePromotion"] and promoted:
            add("queue", comp, f"promote the {cfg.region} broker (mq:Promote {reg.inputs.get('mode')})", "mq.crdr.promotion", c.name)
        elif c.type == "aws:eks/nodeGroup:NodeGroup" and reg is not None and _increased(old.get(c.urn), reg, "scalingConfig.desiredSize"):
            add("kubernetes", comp, "scale the node groups to their active size (new nodes join)", "k8s.node_start", c.name)
        elif c.type == "kubernetes:apps/v1:Deployment" and reg is not None and _increased(old.get(c.urn), reg, "spec.replicas"):
            add("workloads", comp, "scale the Deployments to their active replicas (pods start, readiness passes)", "k8s.pod_start", c.name)
        else:
            loose.setdefault(comp, []).append(c.name)

    if "workloads" in steps and "kubernetes" in steps:
        steps["workloads"].after.append("kubernetes")
    for comp, names in sorted(loose.items()):
        home = next((s for s in steps.values() if s.component == comp), None)
        if home is not None:
            home.resources.extend(names)
        else:
            steps[comp] = Step(
                comp, comp, f"apply {len(names)} other change(s) in place", 0.0,
                "not estimated: no recovery-relevant duration (in-place API calls)", None, names,
            )

    dns = cfg.topology.dns
    hc = dns.health_check
    r53 = route53_failover_seconds(hc.request_interval, hc.failure_threshold, dns.ttl)
    steps["traffic"] = Step(
        "traffic",
        "traffic",
        f"Route 53 health checks send users to {cfg.region} (no record edited)",
        float(r53),
        f"{FIGURES['route53.failover'].source}: {hc.request_interval}s x {hc.failure_threshold} + TTL {dns.ttl}s",
        "route53.failover",
        [],
        [s for s in steps if s != "traffic"],
    )
    ordered = _schedule(list(steps.values()))
    return ordered


def _schedule(steps: list[Step]) -> list[Step]:
    by_id = {s.id: s for s in steps}
    done: dict[str, float] = {}

    def finish(step_id: str) -> float:
        if step_id not in done:
            step = by_id[step_id]
            step.starts = max((finish(a) for a in step.after if a in by_id), default=0.0)
            done[step_id] = step.finishes
        return done[step_id]

    for s in steps:
        finish(s.id)
    return sorted(steps, key=lambda s: (s.starts, s.id == "traffic", -(s.seconds or 0), s.id))


def critical_path(steps: list[Step]) -> list[str]:
    by_id = {s.id: s for s in steps}
    if not steps:
        return []
    last = max(steps, key=lambda s: (s.finishes, s.id == "traffic"))
    path = [last.id]
    while by_id[path[-1]].after:
        prev = [by_id[a] for a in by_id[path[-1]].after if a in by_id]
        if not prev:
            break
        path.append(max(prev, key=lambda s: (s.finishes, -len(s.id), s.id)).id)
    return list(reversed(path))


def _met(estimate: float | None, target: int | None) -> bool | None:
    if target is None:
        return True
    if estimate is None:
        return None
    return estimate <= target


def _why_unchanged(cfg: StackConfig, diff: StackDiff) -> dict[str, str]:
    changed = {_component(c) for c in diff.changes}
    dr, primary = cfg.region, cfg.peer_region
    dns, hc = cfg.topology.dns, cfg.topology.dns.health_check
    rtc = FIGURES["s3.rtc"]
    why = {
        "secrets": (
            f"the application secrets are Secrets Manager replicas in {dr}, declared by the primary stack: readable "
            f"while {primary} is down, by the same name, decrypted by the multi-Region key's replica. Promoting a "
            "replica (StopReplicationToReplica) is only needed to write to it, and is not part of the flip. The "
            f"endpoints ConfigMap already points at {dr}'s database, cache, broker and bucket."
        ),
        "objectStore": (
            f"the files are already in the {dr} bucket: cross-region replication "
            + (f"with RTC ({rtc.summary}; {rtc.source})" if cfg.topology.object_store.replication_time_control else "without RTC (no time bound)")
            + f"; a bucket is always writable (nothing to promote), and its replication back to {primary} keeps "
            "the files written during the failover for the failback."
        ),
        "traffic": (
            f"the health checks and PRIMARY/SECONDARY failover records belong to the primary stack and are edited by "
            f"nobody: Route 53's health checkers (data plane) see the {primary} endpoints fail and answer with the "
            f"{dr} records within ~{hc.request_interval}s x {hc.failure_threshold} + TTL {dns.ttl}s "
            f"({FIGURES['route53.failover'].source}). The Route 53 control plane is in {CONTROL_PLANE_REGION} and is "
            "never called (design §4.2)."
        ),
    }
    out = {}
    for comp in UNCHANGED_COMPONENTS:
        if comp in changed:
            out[comp] = f"CHANGED by this flip ({sum(_component(c) == comp for c in diff.changes)} change(s) above); expected none: " + why[comp]
        else:
            out[comp] = why[comp]
    return out


# ---------------------------------------------------------------------------------------
# The failover plan
# ---------------------------------------------------------------------------------------


def _split_overrides(overrides: dict[str, dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    return {k: dict(v or {}) for k, v in (overrides or {}).items()}


def plan_failover(
    project_dir: Path | str,
    *,
    overrides: dict[str, dict[str, Any]] | None = None,
    topology: Topology | None = None,
    stack: str | None = None,
) -> FailoverPlan:
    """The failover plan of the dr stack. `overrides` maps a stack name to config
    overrides, as `run_topology` takes them (the dr stack's apply to both of its runs);
    `topology` reuses runs already made with those overrides."""
    project_dir = Path(project_dir)
    over = _split_overrides(overrides)
    try:
        if topology is None:
            topology = _run_topology(project_dir, over)
        stack = stack or topology.dr.stack
        dr_over = over.get(stack, {})
        peer = topology.first_pass.exports
        standby_cfg = stack_config(topology.dr)
        if standby_cfg.site != "dr":
            raise FailoverPlanError(f"stack {stack!r} is the {standby_cfg.site} site's; --failover plans the dr site's stack")
        before = topology.dr if standby_cfg.role == "standby" else _run(project_dir, stack, {**dr_over, ROLE: "standby"}, peer)
        after = _run(project_dir, stack, {**dr_over, ROLE: "active"}, peer)
        cfg = stack_config(after)
    except (EngineError, StackConfigError) as err:
        raise FailoverPlanError(str(err)) from None

    diff = with_dependent_replacements(diff_captures(before, after), before, after)
    findings = (
        check_stateful(diff, stack)
        + check_region(diff, cfg.region, stack)
        + check_control_planes(diff, stack)
        + check_primary_dependencies(diff, after, cfg.peer_region, stack)
    )
    steps = build_steps(diff, before, after, cfg)
    path = critical_path(steps)
    rto = max((s.finishes for s in steps), default=0.0)
    traffic = next((s.seconds or 0 for s in steps if s.id == "traffic"), 0.0)
    targets = {c: cfg.topology.targets(c).rto["L3"] for c in TARGET_COMPONENTS}
    estimates = {}
    for comp in TARGET_COMPONENTS:
        own = [s.finishes for s in steps if s.component == comp]
        estimates[comp] = max(own, default=0.0) + traffic
    return FailoverPlan(
        stack=stack,
        region=cfg.region,
        primary_region=cfg.peer_region,
        diff=diff,
        findings=findings,
        steps=steps,
        critical_path=path,
        estimated_rto_seconds=rto,
        targets=targets,
        component_estimates=estimates,
        unchanged=_why_unchanged(cfg, diff),
        peer_outputs=_peer_outputs_read(diff, after),
        config=dict(after.config),
    )


# ---------------------------------------------------------------------------------------
# The failback plan
# ---------------------------------------------------------------------------------------

# On the stack whose database is re-created, these replacements are the procedure.
_DB_STATEFUL = ("aws:rds/cluster:Cluster", "aws:rds/clusterInstance:ClusterInstance", "aws:rds/globalCluster:GlobalCluster")


def _requires(reg: Registration | None, change: ResourceChange, region: str) -> list[str]:
    out = []
    if reg is not None and reg.protect:
        out.append(f"protected: `pulumi state unprotect '{change.urn}'` once its data is no longer needed")
    if reg is not None and reg.inputs.get("deletionProtection") is True:
        ident = reg.inputs.get("clusterIdentifier") or reg.inputs.get("globalClusterIdentifier") or change.name
        kind = "global cluster" if change.type.endswith("GlobalCluster") else "cluster"
        cmd = (
            f"aws rds modify-global-cluster --global-cluster-identifier {ident} --no-deletion-protection --region {region}"
            if kind == "global cluster"
            else f"aws rds modify-db-cluster --db-cluster-identifier {ident} --no-deletion-protection --apply-immediately --region {region}"
        )
        out.append(f"deletion protection on: `{cmd}`")
    if reg is not None and reg.inputs.get("finalSnapshotIdentifier"):
        out.append(f"keeps a final snapshot {reg.inputs['finalSnapshotIdentifier']} (the writes the old writer took after the split, if any)")
    return out


def _classify_failback(
    diff: StackDiff, before: Capture, after: Capture, stack: str, region: str, recreated: bool, fence: bool
) -> list[Finding]:
    findings = check_stateful(diff, stack) + check_region(diff, region, stack) + check_control_planes(diff, stack)
    regs_before, regs_after = before.by_urn(), after.by_urn()
    for f in findings:
        if f.check == 3 and fence and f.type == "aws:route53/healthCheck:HealthCheck" and f.property == "invertHealthcheck":
            # The fence (components/traffic.py): planned, with both regions up.
            f.expected = True
            f.requires = [
                f"the Route 53 control plane ({CONTROL_PLANE_REGION}) answers: a failback runs with both regions up"
            ]
        if f.check == 1 and recreated and f.type in _DB_STATEFUL:
            f.expected = True
            reg = regs_before.get(f.urn) or regs_after.get(f.urn)
            change = next(c for c in diff.changes if c.urn == f.urn)
            f.requires = _requires(reg, change, region)
    return findings


def _run_record(stack: str, purpose: str, before: Capture, after: Capture, recreated: bool = False) -> Run:
    """One failback `up`. On the primary site, the health checks' fence (inverted while the
    primary is in standby) is expected to change; `recreated`: this stack's database is
    the one re-created as a secondary."""
    cfg = stack_config(after)
    diff = with_dependent_replacements(diff_captures(before, after), before, after)
    return Run(
        stack=stack,
        command=f"pulumi up --stack {stack}",
        purpose=purpose,
        region=cfg.region,
        diff=diff,
        findings=_classify_failback(diff, before, after, stack, cfg.region, recreated, fence=cfg.site == "primary"),
    )


def plan_failback(
    project_dir: Path | str,
    *,
    overrides: dict[str, dict[str, Any]] | None = None,
    topology: Topology | None = None,
) -> FailbackPlan:
    """What returning to the primary region takes after a failover of the dr stack,
    computed by the offline engine from the program's own failback shapes."""
    project_dir = Path(project_dir)
    over = _split_overrides(overrides)
    try:
        if topology is None:
            topology = run_topology(project_dir, overrides=over)
        p_stack, d_stack = topology.primary.stack, topology.dr.stack
        p_cfg, d_cfg = stack_config(topology.primary), stack_config(topology.dr)
        if p_cfg.site != "primary":
            raise FailoverPlanError(f"stack {p_stack!r} is the {p_cfg.site} site's; --failback plans the primary site's stack")
        p_over, d_over = over.get(p_stack, {}), over.get(d_stack, {})
        db = p_cfg.topology.database
        if db.global_cluster_owner != "primary":
            raise FailoverPlanError(
                "topology.database.globalClusterOwner is already dr: a failback is under way; plan from the "
                "stack files as they were before it (owner primary)"
            )
        first = topology.first_pass.exports
        primary_before = topology.primary if p_cfg.role == "active" else _run(project_dir, p_stack, {**p_over, ROLE: "active"}, topology.dr.exports)
        # The state a failover leaves: dr active (detached, or writer by managed failover).
        dr_failed_over = _run(project_dir, d_stack, {**d_over, ROLE: "active"}, first)
        stages: list[Stage] = []
        notes: list[str] = []
        if db.failover == "detach":
            owner_dr = {TOPOLOGY: _with_database(topology.dr.config, globalClusterOwner="dr")}
            owner_dr_p = {TOPOLOGY: _with_database(topology.primary.config, globalClusterOwner="dr")}
            dr_owner = _run(project_dir, d_stack, {**d_over, **owner_dr, ROLE: "active"}, first)
            primary_follower = _run(project_dir, p_stack, {**p_over, **owner_dr_p, ROLE: "standby"}, dr_owner.exports)
            new_global = dr_owner.exports.get("globalClusterId")
            stages.append(
                Stage(
                    "rejoin",
                    f"the promoted {d_cfg.region} cluster becomes the source of a new global cluster ({new_global}); the old "
                    f"{p_cfg.region} writer is re-created as its secondary. Data keeps flowing {d_cfg.region} -> {p_cfg.region}.",
                    [
                        "Pulumi.yaml: topology.database.globalClusterOwner: dr",
                        f"Pulumi.{p_stack}.yaml: role: standby",
                    ],
                    [
                        _run_record(d_stack, f"create the global cluster {new_global} from the {d_cfg.region} cluster", dr_failed_over, dr_owner),
                        _run_record(
                            p_stack,
                            f"re-create the {p_cfg.region} cluster as a secondary of {new_global}; scale {p_cfg.region} to standby",
                            primary_before,
                            primary_follower,
                            recreated=True,
                        ),
                    ],
                )
            )
            p_start, d_start, owner_over_p, owner_over_d = primary_follower, dr_owner, owner_dr_p, owner_dr
            notes.append(
                f"After the failback the dr stack owns the global cluster ({new_global}); keep "
                "topology.database.globalClusterOwner: dr. A later loss of the primary region is then a managed "
                "failover of the dr stack (AuroraFailover: set allowDataLoss true on it), not a detach."
            )
        else:
            p_start = _run(project_dir, p_stack, {**p_over, ROLE: "standby"}, topology.dr.exports)
            d_start, owner_over_p, owner_over_d = dr_failed_over, {}, {}
            notes.append(
                "failover: managed keeps the global cluster: the failover left the primary region's cluster as a "
                "secondary, so returning is a switchover, with nothing re-created."
            )
        primary_active = _run(project_dir, p_stack, {**p_over, **owner_over_p, ROLE: "active"}, d_start.exports)
        dr_standby = _run(project_dir, d_stack, {**d_over, **owner_over_d, ROLE: "standby"}, first)
        stages.append(
            Stage(
                "return",
                f"a planned switchover back to {p_cfg.region} (both regions healthy: RPO 0): the {p_cfg.region} stack's "
                f"promotions take the database writer, the cache and the broker back; then {d_cfg.region} scales down.",
                [f"Pulumi.{p_stack}.yaml: role: active", f"Pulumi.{d_stack}.yaml: role: standby"],
                [
                    _run_record(p_stack, f"switch the writer, cache and broker over to {p_cfg.region}; scale it up", p_start, primary_active),
                    _run_record(d_stack, f"record {d_cfg.region} as standby (its promotions check it no longer leads); scale it down", d_start, dr_standby),
                ],
            )
        )
    except (EngineError, StackConfigError) as err:
        raise FailoverPlanError(str(err)) from None
    notes.append(
        "Route 53: while the primary stack is in standby its health checks are inverted (components/traffic.py), so "
        "users stay on the dr records even though the primary's warm pods pass their checks; the return restores "
        "them after the primary's promotions have taken the writer back. Until the first failback `up` applies that "
        "fence, keep the recovered primary region from serving (README, Failback)."
    )
    return FailbackPlan(
        stack=p_stack,
        mode=db.failover,
        primary_region=p_cfg.region,
        dr_region=d_cfg.region,
        stages=stages,
        notes=notes,
    )


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------

_KIND_MARK = {"create": "+", "update": "~", "replace": "+-", "delete": "-"}


def _short_type(type_: str) -> str:
    pkg, mod, cls = (type_.split(":") + ["", ""])[:3]
    if pkg == "kubernetes":
        return f"k8s:{mod}:{cls}"
    if pkg.startswith("pulumi-python"):
        return f"dynamic:{cls}"
    return f"{pkg}:{mod.split('/')[0]}:{cls}"


def _change_json(c: ResourceChange) -> dict[str, Any]:
    return {**c.to_json(), "componentName": _component(c), "inPlace": c.kind == "update"}


def _change_line(c: ResourceChange) -> str:
    how = {"update": "in place", "replace": "REPLACEMENT", "create": "created", "delete": "DELETED"}[c.kind]
    keys = ", ".join(c.changed or c.option_changes)
    line = f"  {_KIND_MARK[c.kind]:<2} {_component(c):<11} {_short_type(c.type):<40} {c.name:<32} {how}"
    if keys:
        line += f" [{keys}]"
    for prop, reason in c.replace_reasons.items():
        line += f"\n        replaces on {prop}: {reason}"
    return line


def _dur(seconds: float | None) -> str:
    """A duration for people: 690 -> 11m30s, 3600 -> 1h, 90 -> 90s."""
    if seconds is None:
        return "?"
    total = int(round(seconds))
    if total < 120:
        return f"{total}s"
    hours, rest = divmod(total, 3600)
    mins, secs = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{mins}m" if mins else "", f"{secs}s" if secs else ""]
    return "".join(parts)


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text, width=100, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False, break_long_words=False
    )


def _failover_text(plan: FailoverPlan) -> str:
    d = plan.diff
    counts = d.counts()
    lines = [
        f"Failover plan: stack {plan.stack} ({plan.region}), role standby -> active",
        f"  planned as if the primary region {plan.primary_region} were lost",
        "",
        f"Changes ({len(d.changes)}: {counts['create']} created, {counts['update']} in place, "
        f"{counts['replace']} replaced, {counts['delete']} deleted)",
    ]
    lines += [_change_line(c) for c in d.changes] or ["  (none)"]
    lines += ["", "Safety checks"]
    for n, title in CHECKS.items():
        lines.append(f"  [{'ok' if plan.passed(n) else 'FAIL'}] {n}. {title}")
        lines += [f"        {f.resource} ({f.type}) {f.property}: {f.detail}" for f in plan.findings if f.check == n]
    lines += ["", "Steps (estimated; from `pulumi up`, independent steps in parallel)"]
    for s in plan.steps:
        after = f" after {', '.join(s.after)}" if s.after else ""
        lines.append(f"  {_dur(s.starts):>6} +{_dur(s.seconds):<6} {s.id:<11} {s.title}{after}")
        lines.append(f"  {'':>6}  {'':<6} {'':<11} source: {s.source}")
    lines += [
        "",
        f"Critical path: {' -> '.join(plan.critical_path)} = {_dur(plan.estimated_rto_seconds)}",
        f"Estimated L3 (region loss) RTO: {_dur(plan.estimated_rto_seconds)}",
        "",
        "L3 RTO per component (its steps, then traffic moving) vs the declared target",
    ]
    for comp, est in plan.component_estimates.items():
        target = plan.targets.get(comp)
        met = _met(est, target)
        lines.append(f"  {comp:<12} {_dur(est):>7}  target {_dur(target) if target is not None else 'unbounded':>9}  {'met' if met else 'MISSED'}")
    lines += ["", "Why nothing changes"]
    for comp, why in plan.unchanged.items():
        lines += _wrap(f"{comp}: {why}", "  ")
    if plan.peer_outputs:
        lines += ["", "Primary stack outputs read (from the state backend, not from AWS)"]
        lines += [f"  {p}" for p in plan.peer_outputs]
    lines.append("")
    if plan.ok:
        lines.append("Result: safe -- all four checks pass.")
    else:
        lines.append(f"Result: UNSAFE -- {len(plan.findings)} finding(s); do not run `pulumi up --stack {plan.stack}` as is.")
    return "\n".join(lines) + "\n"


def _md_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _failover_md(plan: FailoverPlan) -> str:
    d = plan.diff
    lines = [
        f"#### Failover plan: `{plan.stack}` ({plan.region}) standby → active",
        "",
        f"**{'Safe' if plan.ok else 'UNSAFE'}** · estimated L3 RTO **{_dur(plan.estimated_rto_seconds)}** · "
        f"critical path {' → '.join(plan.critical_path)} · {len(d.changes)} changes ({d.counts()['replace']} replaced, "
        f"{d.counts()['delete']} deleted)",
        "",
        "| check | result |",
        "|---|---|",
    ]
    for n, title in CHECKS.items():
        found = [f for f in plan.findings if f.check == n]
        result = "✅" if not found else "⛔ " + "; ".join(_md_cell(f"{f.resource} `{f.property}`: {f.detail}") for f in found)
        lines.append(f"| {n}. {title} | {result} |")
    lines += ["", "| change | component | resource | type | keys |", "|---|---|---|---|---|"]
    for c in d.changes:
        how = {"update": "in place", "replace": "**replace**", "create": "create", "delete": "**delete**"}[c.kind]
        lines.append(f"| {how} | {_component(c)} | `{c.name}` | `{_short_type(c.type)}` | {_md_cell(', '.join(c.changed or c.option_changes))} |")
    lines += ["", "| step | starts | takes | what | source |", "|---|---:|---:|---|---|"]
    for s in plan.steps:
        lines.append(f"| {s.id} | {_dur(s.starts)} | {_dur(s.seconds)} | {_md_cell(s.title)} | {_md_cell(s.source)} |")
    lines += ["", "| component | estimated L3 RTO | target | |", "|---|---:|---:|---|"]
    for comp, est in plan.component_estimates.items():
        target = plan.targets.get(comp)
        lines.append(f"| {comp} | {_dur(est)} | {_dur(target) if target is not None else 'unbounded'} | {'✅' if _met(est, target) else '⛔'} |")
    lines += ["", "Why nothing changes:", ""]
    lines += [f"- **{comp}**: {_md_cell(why)}" for comp, why in plan.unchanged.items()]
    return "\n".join(lines) + "\n"


def _failback_text(plan: FailbackPlan) -> str:
    lines = [
        f"Failback plan: return to {plan.primary_region} after a {plan.mode} failover to {plan.dr_region}",
        "",
    ]
    n = 0
    for i, stage in enumerate(plan.stages, 1):
        lines += _wrap(f"Stage {i}: {stage.name} -- {stage.summary}", "")
        lines.append("  edit the stack files:")
        lines += [f"    - {e}" for e in stage.edits]
        for run in stage.runs:
            n += 1
            c = run.diff.counts()
            lines.append(
                f"  {n}. `{run.command}` ({run.region}): {run.purpose}  "
                f"[{c['create']} created, {c['update']} in place, {c['replace']} replaced, {c['delete']} deleted]"
            )
            lines += ["  " + _change_line(ch) for ch in run.diff.changes]
            for f in run.findings:
                if f.expected:
                    lines += _wrap(f"expected: {f.resource} [{f.property}]: {f.detail}", "       ")
                    for r in f.requires:
                        lines += _wrap(f"first: {r}", "         ")
                else:
                    lines += _wrap(f"FINDING check {f.check}: {f.resource} ({f.type}) {f.property}: {f.detail}", "       ")
        lines.append("")
    expected = plan.expected
    replaced = [f for f in expected if f.check == 1]
    fence = [f for f in expected if f.check != 1]
    lines.append(f"Expected replacements and deletions ({len(replaced)}): the database of the stack being re-created")
    lines += [f"  - {f.stack}: {f.resource} ({_short_type(f.type)}) [{f.property}]" for f in replaced] or ["  (none)"]
    if fence:
        lines.append(f"Expected Route 53 changes ({len(fence)}): the primary's health-check fence, set then lifted")
        lines += [f"  - {f.stack}: {f.resource} ({_short_type(f.type)}) [{f.property}]" for f in fence]
    lines += ["", "Notes"]
    for note in plan.notes:
        lines += _wrap(f"- {note}", "  ")
    lines += ["", "Check 4 (primary-region dependency) does not apply: a failback needs both regions.", ""]
    if plan.ok:
        lines.append("Result: every replacement and Route 53 change is expected and listed; checks 1-3 pass otherwise.")
    else:
        lines.append(f"Result: UNSAFE -- {len(plan.findings)} unexpected finding(s).")
    return "\n".join(lines) + "\n"


def _failback_md(plan: FailbackPlan) -> str:
    lines = [f"#### Failback plan: back to {plan.primary_region} after a {plan.mode} failover", ""]
    n = 0
    for i, stage in enumerate(plan.stages, 1):
        lines += [f"**Stage {i}: {stage.name}** — {_md_cell(stage.summary)}", ""]
        lines += [f"- edit {_md_cell(e)}" for e in stage.edits]
        for run in stage.runs:
            n += 1
            c = run.diff.counts()
            counts = f"{c['create']} created, {c['update']} in place, {c['replace']} replaced, {c['delete']} deleted"
            lines.append(f"- {n}. `{run.command}`: {_md_cell(run.purpose)} ({counts})")
            for f in run.findings:
                tag = "expected" if f.expected else f"⛔ check {f.check}"
                lines.append(f"  - {tag}: `{f.resource}` `{f.property}`: {_md_cell(f.detail)}")
        lines.append("")
    lines += [f"- {_md_cell(note)}" for note in plan.notes]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------


def command(args) -> int:
    """`drctl plan --stack S --failover|--failback`: 0 safe, 1 unsafe, 2 not computable."""
    from drctl.cli import UsageError

    project_dir = Path(args.project_dir)
    sites = _site_stacks(project_dir)
    want = "dr" if args.failover else "primary"
    if args.stack not in sites.values():
        raise UsageError(f"--stack: no stack {args.stack!r} here (stacks: {', '.join(sorted(sites.values())) or 'none'})")
    if sites.get(want) != args.stack:
        flag = "--failover" if args.failover else "--failback"
        raise UsageError(
            f"{flag} plans the {want} site's stack ({sites.get(want)}); got --stack {args.stack} "
            f"(use {'--failback' if args.failover else '--failover'} for it)"
        )
    try:
        plan = plan_failover(project_dir, stack=args.stack) if args.failover else plan_failback(project_dir)
    except FailoverPlanError as err:
        print(f"drctl plan: {err}", file=sys.stderr)
        return 2
    sys.stdout.write(plan.render(args.format))
    return 0 if plan.ok else 1
