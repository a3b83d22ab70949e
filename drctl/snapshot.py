"""One side of a preview as plain data: both stacks' offline captures, the policy results
(`drctl.check`) and the failover plan (`drctl.failover`).

The working tree is analysed in-process. A base ref is analysed in a subprocess that runs
this file (the current tool's copy) as a script on the base's worktree:

    python drctl/snapshot.py PROJECT_DIR --stacks primary,dr --out FILE

The script puts PROJECT_DIR first on `sys.path`, so the base's own program (`__main__.py`,
`components/`), engine, policy pack and failover planner are the ones that run: in one
process, Python's module cache would hand the base the working tree's `components`. Only
the serialisation below is this tool's, so the JSON always has the shape the caller
reads; it reads the base's objects by attribute. A base that predates a tool (no
`drctl.check` yet, say) gets that section marked unavailable, never the working tree's
version. Both paths return the same JSON-ready dict.

This file must stay runnable as a script: it imports `drctl` only inside functions.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Any

SCHEMA = 1
STACKS = ("primary", "dr")


# ---------------------------------------------------------------------------------------
# Captures <-> JSON
# ---------------------------------------------------------------------------------------


def registration_to_json(reg: Any) -> dict[str, Any]:
    return {
        "urn": reg.urn,
        "type": reg.type,
        "name": reg.name,
        "parent": reg.parent,
        "custom": bool(reg.custom),
        "provider": reg.provider,
        "region": reg.region,
        "component": reg.component,
        "protect": bool(reg.protect),
        "retainOnDelete": bool(getattr(reg, "retain_on_delete", None)),
        "ignoreChanges": list(reg.ignore_changes or []),
        "deleteBeforeReplace": bool(getattr(reg, "delete_before_replace", None)),
        "replaceOnChanges": list(getattr(reg, "replace_on_changes", None) or []),
        "dependencies": list(getattr(reg, "dependencies", None) or []),
        "inputs": reg.inputs,
        "id": getattr(reg, "id", ""),
    }


def capture_to_json(capture: Any) -> dict[str, Any]:
    return {
        "project": capture.project,
        "stack": capture.stack,
        "exports": capture.exports,
        "resources": [registration_to_json(r) for r in capture.resources],
    }


def capture_from_json(data: dict[str, Any]):
    from drctl.engine import Capture, Registration

    resources = [
        Registration(
            urn=r["urn"],
            type=r["type"],
            name=r["name"],
            parent=r.get("parent", ""),
            custom=r.get("custom", True),
            provider=r.get("provider", ""),
            inputs=r.get("inputs") or {},
            dependencies=r.get("dependencies") or [],
            protect=r.get("protect"),
            retain_on_delete=r.get("retainOnDelete"),
            ignore_changes=r.get("ignoreChanges") or [],
            delete_before_replace=r.get("deleteBeforeReplace"),
            replace_on_changes=r.get("replaceOnChanges") or [],
            id=r.get("id", ""),
            region=r.get("region"),
            component=r.get("component"),
        )
        for r in data["resources"]
    ]
    return Capture(
        project=data["project"],
        stack=data["stack"],
        config={},
        resources=resources,
        exports=data.get("exports") or {},
        logs=[],
        preview=False,
    )


# ---------------------------------------------------------------------------------------
# Policy results and failover plan -> plain data
# ---------------------------------------------------------------------------------------


def _field(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def _seconds(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def normalize_check(result: Any) -> dict[str, Any]:
    """`drctl.check.CheckResult` -> {mandatoryCount, violations, matrix}."""
    violations = []
    for v in _field(result, "violations", default=[]) or []:
        violations.append(
            {
                "policy": str(_field(v, "policy", "policy_name", "name", default="")),
                "urn": str(_field(v, "urn", "resource_urn", default="") or ""),
                "resource": str(_field(v, "resource_name", "resource", "name", default="") or ""),
                "level": str(_field(v, "enforcement_level", "level", "enforcement", default="advisory")),
                "message": str(_field(v, "message", default="")),
            }
        )
    violations.sort(key=lambda v: (v["level"] != "mandatory", v["policy"], v["urn"], v["message"]))
    matrix = []
    for row in _field(result, "matrix", default=[]) or []:
        matrix.append(
            {
                "component": str(_field(row, "component")),
                "level": str(_field(row, "level")),
                "rtoTarget": _seconds(_field(row, "rto_target", "rtoTarget")),
                "rtoEstimate": _seconds(_field(row, "rto_estimate", "rtoEstimate")),
                "rpoTarget": _seconds(_field(row, "rpo_target", "rpoTarget")),
                "rpoEstimate": _seconds(_field(row, "rpo_estimate", "rpoEstimate")),
                "verdict": str(_field(row, "verdict", default="")),
                "basis": str(_field(row, "basis", default="") or ""),
            }
        )
    mandatory = _field(result, "mandatory_count", default=None)
    if mandatory is None:
        mandatory = sum(1 for v in violations if v["level"] == "mandatory")
    return {"mandatoryCount": int(mandatory), "violations": violations, "matrix": matrix}


def _text(item: Any) -> str:
    if isinstance(item, str):
        return item
    for name in ("message", "title", "name", "description"):
        value = _field(item, name)
        if isinstance(value, str) and value:
            return value
    return str(item)


def normalize_failover(plan: Any) -> dict[str, Any]:
    """`drctl.failover.FailoverPlan` -> the summary the report shows, plus its Markdown."""
    steps = list(_field(plan, "steps", default=[]) or [])
    try:
        markdown = plan.render("md")
    except Exception as err:  # a renderer bug must not hide the summary
        markdown = f"(the plan could not be rendered: {err})"
    targets = _field(plan, "targets", default=None)
    if isinstance(targets, dict):
        targets = {str(k): _seconds(v) if isinstance(v, (int, float)) or v is None else v for k, v in sorted(targets.items())}
    elif targets is not None:
        targets = json.loads(json.dumps(targets, default=str))
    # The critical path is a list of step ids: show the steps' titles.
    titles = {str(_field(s, "id")): _text(_field(s, "title", default=s)) for s in steps}
    path = [titles.get(p, p) if isinstance(p, str) else _text(p) for p in (_field(plan, "critical_path", default=[]) or [])]
    estimates = _field(plan, "component_estimates", default=None) or {}
    return {
        "ok": bool(_field(plan, "ok", default=False)),
        "estimatedRtoSeconds": _seconds(_field(plan, "estimated_rto_seconds")),
        "stepCount": len(steps),
        "criticalPath": path,
        "findings": [_text(f) for f in (_field(plan, "findings", default=[]) or [])],
        "targets": targets,
        "componentEstimates": {str(k): _seconds(v) for k, v in sorted(estimates.items())},
        "markdown": markdown,
    }


# ---------------------------------------------------------------------------------------
# One side
# ---------------------------------------------------------------------------------------


def snapshot(
    project_dir: Path | str,
    stacks: tuple[str, ...] | list[str] = STACKS,
    *,
    overrides: dict[str, dict[str, Any]] | None = None,
    topology: Any = None,
) -> dict[str, Any]:
    """Analyse one tree: run (or take) the topology, then the policy pack for `stacks` and
    the failover plan. The program failing offline is data (`error`), not an exception."""
    from drctl.engine import EngineError, run_topology

    try:
        from drctl.stackconfig import StackConfigError
    except ImportError:  # pragma: no cover - a base older than stackconfig
        StackConfigError = EngineError  # noqa: N806

    project_dir = Path(project_dir)
    data: dict[str, Any] = {"schema": SCHEMA, "error": None, "captures": {}, "checks": {}, "failover": None, "unavailable": {}}
    if topology is None:
        try:
            topology = run_topology(project_dir, overrides=overrides)
        except (EngineError, StackConfigError) as err:
            data["error"] = str(err).strip() or type(err).__name__
            return data
    data["captures"] = {s: capture_to_json(topology[s]) for s in STACKS}

    try:
        from drctl.check import run_check
    except ImportError as err:
        data["unavailable"]["check"] = f"policy results need drctl.check ({err})"
    else:
        for stack in stacks:
            try:
                result = run_check(project_dir, stack, overrides=(overrides or {}).get(stack), topology=topology)
                data["checks"][stack] = normalize_check(result)
            except Exception as err:  # shown in the report's policy section, not a crash
                data["checks"][stack] = {"error": f"{type(err).__name__}: {err}"}

    try:
        from drctl.failover import plan_failover
    except ImportError as err:
        data["unavailable"]["failover"] = f"the failover plan needs drctl.failover ({err})"
    else:
        try:
            data["failover"] = normalize_failover(plan_failover(project_dir, overrides=overrides, topology=topology))
        except Exception as err:
            data["failover"] = {"error": f"{type(err).__name__}: {err}"}
    # One shape for both paths: what crosses the subprocess boundary is JSON.
    return json.loads(json.dumps(data, sort_keys=True, default=str))


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="snapshot.py", description=__doc__.splitlines()[0])
    parser.add_argument("project_dir", type=Path)
    parser.add_argument("--stacks", default=",".join(STACKS))
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    stacks = tuple(s for s in args.stacks.split(",") if s)
    try:
        data = snapshot(args.project_dir, stacks)
    except Exception as err:
        # A base whose program or tools fail in a way the engine does not classify: the
        # preview shows the message; the traceback goes to stderr for whoever debugs it.
        traceback.print_exc()
        data = {"schema": SCHEMA, "error": f"{type(err).__name__}: {err}", "captures": {}, "checks": {}, "failover": None, "unavailable": {}}
    args.out.write_text(json.dumps(data, sort_keys=True, default=str))
    return 0


if __name__ == "__main__":
    _project = str(Path(sys.argv[1]).resolve()) if len(sys.argv) > 1 else "."
    _tool_root = str(Path(__file__).resolve().parent.parent)
    # sys.path[0] is this script's directory (drctl/): replace it with the project, so the
    # project's own drctl, components and policies are imported; the tool's root comes
    # last, only for a base too old to have drctl at all.
    sys.path[0] = _project
    if _tool_root not in sys.path:
        sys.path.append(_tool_root)
    raise SystemExit(main(sys.argv[1:]))
