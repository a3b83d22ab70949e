"""`drctl check --stack S`: the policy pack over the offline plan, through the same gRPC
interface `pulumi preview --policy-pack policies` uses.

Runs both stacks in deployment order through the offline engine, starts the pack as the
CLI does (`drctl.analyzer`), sends every resource of the chosen stack (`Analyze`, then
`AnalyzeStack`), and prints the violations (policy, resource, level, message) and the
per-component, per-level RTO/RPO matrix (target, estimate, verdict). The matrix is
computed by `policies.estimate`, the code the pack's `resilience-targets` runs, over the
same resources. Exit code 1 on any mandatory violation.

    run_check(project_dir, "dr") -> CheckResult   # for other tools (drctl preview, tests)
"""

from __future__ import annotations

import copy
import json
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from drctl.analyzer import POLICIES_DIR, PolicyPackError, PolicyPackProcess, inputs_of, load_policy_config
from drctl.engine import Capture, EngineError, Topology, run_topology
from drctl.stackconfig import StackConfigError

LEVELS = ("mandatory", "advisory")


@dataclass(frozen=True)
class Violation:
    policy: str
    urn: str
    """The resource's URN; empty for a finding about the whole stack."""
    name: str
    """The resource's Pulumi name; empty for the stack."""
    level: str
    """`mandatory` or `advisory`."""
    message: str


@dataclass(frozen=True)
class MatrixRow:
    component: str
    level: str
    rto_target: int | None
    rto_estimate: float | None
    """Seconds; None = unbounded (or no estimate: see verdict)."""
    rpo_target: int | None
    rpo_estimate: float | None
    verdict: str
    """met, missed, peer (judged in the other stack), n/a, unknown (preview), reduced (failed over / first deployment)."""
    basis: str


@dataclass
class CheckResult:
    stack: str
    violations: list[Violation] = field(default_factory=list)
    matrix: list[MatrixRow] = field(default_factory=list)
    pack: str = ""

    @property
    def mandatory_count(self) -> int:
        return sum(1 for v in self.violations if v.level == "mandatory")

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.level == "mandatory"]

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "pack": self.pack,
            "mandatoryCount": self.mandatory_count,
            "violations": [asdict(v) for v in self.violations],
            "matrix": [asdict(r) for r in self.matrix],
        }


def resource_dicts(capture: Capture) -> list[dict[str, Any]]:
    """The capture as `policies.estimate` reads it: the pack's view (inputs, and the peer
    stack's outputs on the StackReference). Copies: changing them leaves the capture alone."""
    out = []
    for r in capture.resources:
        out.append(
            {
                "type": r.type,
                "name": r.name,
                "urn": r.urn,
                "properties": copy.deepcopy(r.outputs if r.type == "pulumi:pulumi:StackReference" else r.inputs),
                "protect": bool(r.protect),
                "ignoreChanges": list(r.ignore_changes or ()),
                "propertyDependencies": dict(r.property_dependencies or {}),
                "dependencies": list(r.dependencies or ()),
                "parent": r.parent,
                "region": r.region,
            }
        )
    return out


def _split_overrides(stack: str, overrides: Mapping[str, Any] | None) -> dict[str, dict[str, Any]] | None:
    """`{stack: {key: value}}` as `run_topology` takes it, or a flat `{ns:key: value}` for `stack`."""
    if not overrides:
        return None
    if all(":" not in k and isinstance(v, Mapping) for k, v in overrides.items()):
        return {k: dict(v) for k, v in overrides.items()}
    return {stack: dict(overrides)}


def run_check(
    project_dir: Path | str,
    stack: str,
    *,
    overrides: Mapping[str, Any] | None = None,
    topology: Topology | None = None,
    policy_config: Mapping[str, Any] | None = None,
    exemptions: Path | str | list[Mapping[str, str]] | None = None,
    capture: Capture | None = None,
) -> CheckResult:
    """Check one stack offline through the pack's gRPC interface.

    `overrides`: config overrides, `{stack: {ns:key: value}}` as for `run_topology`, or a
    flat `{ns:key: value}` for `stack` only. `topology`: an already-run
    `drctl.engine.Topology` (no re-run). `policy_config`: the `--policy-pack-config`
    content (default `policies/config.json`). `exemptions`: a file or a list of
    `{policy, resource, reason}` (default `policies/exemptions.json`). `capture`: check this
    capture instead of the topology's stack (e.g. a mutated one)."""
    from policies.estimate import estimate_matrix

    if capture is None:
        if topology is None:
            topology = run_topology(project_dir, overrides=_split_overrides(stack, overrides))
        capture = topology[stack]
    env: dict[str, str] = {}
    tmp = None
    if isinstance(exemptions, list):
        tmp = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump({"exemptions": exemptions}, tmp)
        tmp.close()
        env["DTEM_POLICY_EXEMPTIONS"] = tmp.name
    elif exemptions is not None:
        env["DTEM_POLICY_EXEMPTIONS"] = str(Path(exemptions).resolve())
    try:
        with PolicyPackProcess(
            Path(project_dir) / "policies" if Path(project_dir, "policies").is_dir() else POLICIES_DIR,
            config=capture.config,
            project=capture.project,
            stack=capture.stack,
            dry_run=True,
            env=env,
        ) as pack:
            pack.configure(policy_config if policy_config is not None else load_policy_config())
            analysis = pack.analyze_resources(inputs_of(capture))
            pack_name = pack.info().name
    finally:
        if tmp is not None:
            os.unlink(tmp.name)
    names = {r.urn: r.name for r in capture.resources}
    violations = [
        Violation(policy=d.policy, urn=d.urn, name=names.get(d.urn, ""), level=d.enforcement, message=d.message)
        for d in analysis.diagnostics
    ]
    violations.sort(key=lambda v: (LEVELS.index(v.level) if v.level in LEVELS else 9, v.policy, v.name))
    matrix = estimate_matrix(resource_dicts(capture), capture.config, stack=capture.stack)
    rows = [MatrixRow(**c.row()) for c in matrix.cells]
    return CheckResult(stack=capture.stack, violations=violations, matrix=rows, pack=pack_name)


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------


def _fmt(seconds: float | None, verdict: str = "") -> str:
    from policies.context import fmt

    if seconds is None and verdict in ("peer", "n/a", "unknown", "reduced"):
        return "-"
    return fmt(seconds)


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    fmt_row = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return [fmt_row(headers), fmt_row(["-" * w for w in widths]), *(fmt_row(r) for r in rows)]


def _matrix_rows(result: CheckResult) -> list[list[str]]:
    return [
        [
            r.component,
            r.level,
            _fmt(r.rpo_target),
            _fmt(r.rpo_estimate, r.verdict),
            _fmt(r.rto_target),
            _fmt(r.rto_estimate, r.verdict),
            r.verdict,
        ]
        for r in result.matrix
    ]


MATRIX_HEADERS = ["component", "level", "RPO target", "RPO estimate", "RTO target", "RTO estimate", "verdict"]


def render_text(result: CheckResult) -> str:
    lines = [f"drctl check --stack {result.stack}: policy pack {result.pack}, offline plan"]
    lines.append("")
    if result.violations:
        lines.append(f"Violations ({result.mandatory_count} mandatory, {len(result.violations) - result.mandatory_count} advisory):")
        rows = [[v.policy, v.name or "(stack)", v.level, v.message] for v in result.violations]
        lines += ["  " + line for line in _table(["policy", "resource", "level", "message"], rows)]
    else:
        lines.append("Violations: none")
    lines.append("")
    lines.append("RTO/RPO per component and disaster level (L1 component, L2 AZ, L3 region, L4 replicated corruption):")
    lines += ["  " + line for line in _table(MATRIX_HEADERS, _matrix_rows(result))]
    lines.append("")
    lines.append("verdicts: peer = judged by the other stack's check; reduced = no live second region (failed over or first deployment)")
    lines.append("FAIL: mandatory violations" if result.mandatory_count else "PASS: no mandatory violation")
    return "\n".join(lines)


def render_md(result: CheckResult) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"### `drctl check --stack {result.stack}`", ""]
    lines.append(f"**{'FAIL' if result.mandatory_count else 'PASS'}** — {result.mandatory_count} mandatory, "
                 f"{len(result.violations) - result.mandatory_count} advisory violation(s)")
    lines.append("")
    if result.violations:
        lines += ["| policy | resource | level | message |", "|---|---|---|---|"]
        lines += [f"| `{v.policy}` | `{v.name or '(stack)'}` | {v.level} | {esc(v.message)} |" for v in result.violations]
        lines.append("")
    lines += ["| " + " | ".join(MATRIX_HEADERS) + " |", "|" + "---|" * len(MATRIX_HEADERS)]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in _matrix_rows(result)]
    return "\n".join(lines)


def command(args, run: Callable[[Path], Topology] = run_topology) -> int:
    """`run` computes both stacks (the offline engine; a test hands in a finished run).
    Exit 0: no mandatory violation; 1: mandatory violations; 2: the check could not run."""
    from drctl.cli import UsageError

    if args.stack not in ("primary", "dr"):
        raise UsageError(f"--stack: expected primary or dr; got {args.stack!r}")
    try:
        result = run_check(args.project_dir, args.stack, topology=run(args.project_dir))
    except (EngineError, StackConfigError, PolicyPackError) as err:
        print(f"drctl check: {err}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2))
    elif args.format == "md":
        print(render_md(result))
    else:
        print(render_text(result))
    return 1 if result.mandatory_count else 0
