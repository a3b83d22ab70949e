"""`drctl preview --stack S [--base REF]`: what a change does to recovery, for a PR comment.

Analyses two trees offline -- the working tree (head) and a base commit checked out in a
temporary git worktree (default: the merge base with main) -- and compares them: the
resources added, removed and changed per stack, matched by URN (`drctl.diff`, with the
ForceNew table marking what a change would replace); the RTO/RPO matrix of the policy pack
(`drctl.check`) with its deltas; the failover plan (`drctl.failover`) with its estimated
RTO; the policy results; and a Mermaid diagram of the head's topology. `--stack all` covers
both stacks in one report (what the PR comment shows).

The base runs in a subprocess with its own code (`drctl/snapshot.py`), while the head runs
here; the two proceed at the same time. The report is deterministic -- sorted, no
timestamps -- and the Markdown never exceeds the comment budget (`drctl.report_md`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drctl import snapshot as snap
from drctl.diff import StackDiff, diff_captures
from drctl.engine import Topology
from drctl.gitbase import BaseRefError, check_clean, dirty_paths, find_repo, head_commit, resolve_base, worktree
from drctl.mermaid import topology_diagram
from drctl.plan import COMPONENT_NAMES

STACK_CHOICES = ("primary", "dr", "all")
SUBPROCESS_TIMEOUT = 900  # seconds; a base run takes a few


@dataclass
class Side:
    """One analysed tree: its label, its snapshot data and its rebuilt topology."""

    label: str
    data: dict[str, Any]
    topology: Topology | None = None

    @property
    def error(self) -> str | None:
        return self.data.get("error")

    @property
    def checks(self) -> dict[str, Any]:
        return self.data.get("checks") or {}

    @property
    def failover(self) -> dict[str, Any] | None:
        return self.data.get("failover")

    @property
    def unavailable(self) -> dict[str, str]:
        return self.data.get("unavailable") or {}


def side_from_snapshot(label: str, data: dict[str, Any]) -> Side:
    topo = None
    captures = data.get("captures") or {}
    if not data.get("error") and all(s in captures for s in snap.STACKS):
        primary = snap.capture_from_json(captures["primary"])
        dr = snap.capture_from_json(captures["dr"])
        topo = Topology(primary=primary, dr=dr, first_pass=primary)
    return Side(label=label, data=data, topology=topo)


def analyze(
    project_dir: Path | str,
    stacks: tuple[str, ...],
    *,
    label: str,
    overrides: dict[str, dict[str, Any]] | None = None,
    topology: Topology | None = None,
) -> Side:
    """Analyse `project_dir` in this process. Only valid for the program this process
    imports `components` from (see `runs_here`)."""
    return side_from_snapshot(label, snap.snapshot(project_dir, stacks, overrides=overrides, topology=topology))


def runs_here(project_dir: Path | str) -> bool:
    """Whether `project_dir`'s program can run in this process: Python caches the
    `components` package, so only the tree it was imported from can."""
    mod = sys.modules.get("components")
    here = Path(mod.__file__).resolve().parent.parent if mod is not None and getattr(mod, "__file__", None) else None
    return here is not None and here == Path(project_dir).resolve()


@dataclass
class _Pending:
    proc: subprocess.Popen
    out: Path
    label: str
    tmp: tempfile.TemporaryDirectory = field(repr=False)


def start_subprocess(project_dir: Path | str, stacks: tuple[str, ...], label: str) -> _Pending:
    """Start analysing `project_dir` with its own code, in a fresh interpreter."""
    project_dir = Path(project_dir).resolve()
    tmp = tempfile.TemporaryDirectory(prefix="drctl-snapshot-")
    out = Path(tmp.name) / "snapshot.json"
    # This tool's script (so its JSON is the shape this process reads), importing the
    # project's own program, engine, policy pack and planner (see drctl/snapshot.py).
    script = Path(snap.__file__).resolve()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PULUMI_CONFIG")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # leave no __pycache__ in the worktree
    proc = subprocess.Popen(
        [sys.executable, str(script), str(project_dir), "--stacks", ",".join(stacks), "--out", str(out)],
        cwd=project_dir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return _Pending(proc=proc, out=out, label=label, tmp=tmp)


def finish_subprocess(pending: _Pending) -> Side:
    try:
        _, stderr = pending.proc.communicate(timeout=SUBPROCESS_TIMEOUT)
        if pending.out.exists():
            data = json.loads(pending.out.read_text())
        else:
            last = [line for line in (stderr or "").splitlines() if line.strip()][-3:]
            data = {"error": "the offline run crashed: " + (" / ".join(last) or f"exit code {pending.proc.returncode}")}
    except subprocess.TimeoutExpired:
        pending.proc.kill()
        pending.proc.communicate()
        data = {"error": f"the offline run did not finish within {SUBPROCESS_TIMEOUT}s"}
    finally:
        pending.tmp.cleanup()
    return side_from_snapshot(pending.label, data)


# ---------------------------------------------------------------------------------------
# Comparing two sides
# ---------------------------------------------------------------------------------------


def _component(change_component: str | None) -> str:
    return COMPONENT_NAMES.get(change_component or "", change_component or "(stack)")


def _violation_key(v: dict[str, Any]) -> tuple[str, str, str]:
    return (v.get("policy", ""), v.get("urn") or v.get("resource", ""), v.get("level", ""))


def _matrix(stack: str, head: Side, base: Side) -> list[dict[str, Any]] | None:
    head_check = head.checks.get(stack)
    if not head_check or "matrix" not in head_check:
        return None
    base_check = base.checks.get(stack) or {}
    base_rows = {(r["component"], r["level"]): r for r in base_check.get("matrix") or []}
    rows = []
    for row in head_check["matrix"]:
        before = base_rows.get((row["component"], row["level"]))
        rows.append(
            {
                **row,
                "inBase": before is not None,
                "base": {k: before[k] for k in ("rtoTarget", "rtoEstimate", "rpoTarget", "rpoEstimate", "verdict")} if before else None,
            }
        )
    return rows


def _policies(stack: str, head: Side, base: Side) -> dict[str, Any] | None:
    head_check = head.checks.get(stack)
    if head_check is None:
        return None
    if "error" in head_check:
        return {"error": head_check["error"]}
    base_check = base.checks.get(stack) or {}
    base_keys = {_violation_key(v) for v in base_check.get("violations") or []}
    head_keys = {_violation_key(v) for v in head_check["violations"]}
    violations = [{**v, "new": bool(base_check.get("violations") is not None and _violation_key(v) not in base_keys)} for v in head_check["violations"]]
    fixed = [v for v in base_check.get("violations") or [] if _violation_key(v) not in head_keys]
    return {
        "mandatoryCount": head_check["mandatoryCount"],
        "baseMandatoryCount": base_check.get("mandatoryCount"),
        "violations": violations,
        "fixed": fixed,
    }


def _seconds_or_inf(value: Any) -> float:
    return float("inf") if value is None else float(value)


def _verdict(report: dict[str, Any]) -> dict[str, Any]:
    """One line a reviewer reads first: block / warn / ok, and why."""
    from drctl.report_md import fmt_delta, fmt_duration

    if report["head"]["error"]:
        # One line: the error's lines joined (a config error lists its problems below a
        # heading), cut at a reviewer's glance; the section below has it whole.
        text = " ".join(line.strip() for line in report["head"]["error"].splitlines() if line.strip())
        text = text if len(text) <= 240 else text[:239] + "…"
        return {"level": "block", "text": f"⛔ **The program fails offline** — {text}"}
    reasons_block, reasons_warn = [], []
    mandatory = sum((p or {}).get("mandatoryCount", 0) or 0 for p in report["policies"].values())
    new_mandatory = sum(
        1 for p in report["policies"].values() for v in (p or {}).get("violations", []) if v["level"] == "mandatory" and v["new"]
    )
    if mandatory:
        new = f", {new_mandatory} new" if new_mandatory else ""
        reasons_block.append(f"{mandatory} mandatory policy violation{'s' if mandatory != 1 else ''}{new}")
    stateful = [c for d in report["changes"].values() for c in (d or {}).get("changes", []) if c["stateful"] and c["kind"] in ("replace", "delete")]
    if stateful:
        kinds = sorted({c["kind"] for c in stateful})
        verb = " or ".join({"replace": "replaces", "delete": "deletes"}[k] for k in kinds)
        reasons_block.append(f"{verb} {len(stateful)} stateful resource{'s' if len(stateful) != 1 else ''}")
    fo = report["failover"]
    if fo.get("head") and "error" not in fo["head"] and not fo["head"].get("ok", True):
        reasons_block.append("the failover plan is unsafe")
    # Only rows this stack judges: `peer` is judged in the other stack, `n/a` / `unknown`
    # carry no estimate (None there is not "unbounded").
    judged = ("met", "missed", "reduced")
    worse = [
        r
        for rows in report["matrix"].values()
        for r in rows or []
        if r["base"] is not None
        and r["verdict"] in judged
        and r["base"]["verdict"] in judged
        and (
            _seconds_or_inf(r["rtoEstimate"]) > _seconds_or_inf(r["base"]["rtoEstimate"])
            or _seconds_or_inf(r["rpoEstimate"]) > _seconds_or_inf(r["base"]["rpoEstimate"])
        )
    ]
    if worse:
        reasons_warn.append(f"{len(worse)} RTO/RPO estimate{'s' if len(worse) != 1 else ''} worse than base")
    new_advisory = sum(1 for p in report["policies"].values() for v in (p or {}).get("violations", []) if v["level"] != "mandatory" and v["new"])
    if new_advisory:
        reasons_warn.append(f"{new_advisory} new advisory violation{'s' if new_advisory != 1 else ''}")
    if report["base"]["error"]:
        reasons_warn.append("the base could not be run")

    counts: dict[str, int] = {}
    for diff in report["changes"].values():
        for kind, n in ((diff or {}).get("counts") or {}).items():
            counts[kind] = counts.get(kind, 0) + n
    total = sum(counts.values())
    summary = (
        f"{total} resource change{'s' if total != 1 else ''} ("
        + ", ".join(f"{n} {k}" for k, n in counts.items() if n)
        + ")"
        if total
        else "no resource changes"
    )
    if fo.get("head") and fo["head"].get("estimatedRtoSeconds") is not None:
        rto = fo["head"]["estimatedRtoSeconds"]
        base_rto = (fo.get("base") or {}).get("estimatedRtoSeconds") if fo.get("base") else None
        delta = fmt_delta(rto, base_rto) if fo.get("base") and "error" not in fo["base"] else "new"
        summary += f"; failover RTO {fmt_duration(rto)} ({delta})"
    if reasons_block:
        level, head = "block", "⛔ **" + "; ".join(reasons_block) + "**"
        if reasons_warn:
            head += " (also: " + "; ".join(reasons_warn) + ")"
    elif reasons_warn:
        level, head = "warn", "⚠️ **" + "; ".join(reasons_warn) + "**"
    else:
        level, head = "ok", "✅ **No recovery regression**"
    return {"level": level, "text": f"{head} — {summary}."}


def compare(stacks: tuple[str, ...], head: Side, base: Side) -> dict[str, Any]:
    """The report as data (what `--format json` prints and the Markdown is rendered from)."""
    changes: dict[str, Any] = {}
    for stack in stacks:
        if head.topology is None or base.topology is None:
            changes[stack] = None
            continue
        diff: StackDiff = diff_captures(base.topology[stack], head.topology[stack])
        changes[stack] = {
            "stack": stack,
            "region": head.topology[stack].exports.get("region"),
            "counts": diff.counts(),
            "changes": [{**c.to_json(), "componentName": _component(c.component)} for c in diff.changes],
        }
    report: dict[str, Any] = {
        "schema": snap.SCHEMA,
        "stacks": list(stacks),
        "head": {"label": head.label, "error": head.error, "unavailable": head.unavailable},
        "base": {"label": base.label, "error": base.error, "unavailable": base.unavailable},
        "changes": changes,
        "matrix": {s: _matrix(s, head, base) for s in stacks},
        "policies": {s: _policies(s, head, base) for s in stacks},
        # The base plan's own Markdown is never shown: only its numbers are compared.
        "failover": {"head": head.failover, "base": {k: v for k, v in base.failover.items() if k != "markdown"} if base.failover else None},
        "mermaid": topology_diagram([head.topology.primary, head.topology.dr]) if head.topology else None,
    }
    if base.topology is not None and report["mermaid"] is not None:
        report["mermaidChanged"] = report["mermaid"] != topology_diagram([base.topology.primary, base.topology.dr])
    else:
        report["mermaidChanged"] = None
    report["verdict"] = _verdict(report)
    return report


# ---------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------


def _stacks(arg: str) -> tuple[str, ...]:
    from drctl.cli import UsageError

    if arg not in STACK_CHOICES:
        raise UsageError(f"--stack: expected primary, dr or all; got {arg!r}")
    return snap.STACKS if arg == "all" else (arg,)


def command(args) -> int:
    from drctl.cli import UsageError
    from drctl.report_md import DEFAULT_MAX_CHARS, render_markdown

    stacks = _stacks(args.stack)
    max_chars = getattr(args, "max_chars", None)
    max_chars = DEFAULT_MAX_CHARS if max_chars is None else max_chars
    if max_chars < 0:
        raise UsageError(f"--max-chars: expected 0 (no limit) or a positive number; got {max_chars}")
    project_dir = Path(args.project_dir).resolve()
    try:
        repo = find_repo(project_dir)
        base_ref = resolve_base(repo, getattr(args, "base", None))
        if not getattr(args, "allow_dirty", False):
            check_clean(repo)
        head_sha = head_commit(repo)
        dirty = bool(getattr(args, "allow_dirty", False) and dirty_paths(repo))
        head_label = f"`{head_sha[:12]}`" if head_sha else "the working tree"
        if dirty:
            head_label += " + uncommitted changes"
        with worktree(repo, base_ref) as base_dir:
            pending = start_subprocess(base_dir, stacks, f"{base_ref.label}")
            try:
                if runs_here(project_dir):
                    head = analyze(project_dir, stacks, label=head_label)
                else:
                    head = finish_subprocess(start_subprocess(project_dir, stacks, head_label))
            finally:
                base = finish_subprocess(pending)
    except BaseRefError as err:
        raise UsageError(f"preview: {err}") from None
    report = compare(stacks, head, base)
    full_report = getattr(args, "full_report", None)
    as_json = json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    comment = render_markdown(report, max_chars=max_chars, full_report=full_report)
    out_dir = getattr(args, "output_dir", None)
    if out_dir is not None:
        # One analysis, every form CI needs: the PR comment, the uncut report, the data.
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "comment.md").write_text(comment)
        (out_dir / "report.md").write_text(render_markdown(report, max_chars=0))
        (out_dir / "report.json").write_text(as_json)
    print(as_json if args.format == "json" else comment, end="")
    return 1 if head.error else 0
