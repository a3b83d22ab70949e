"""`drctl plan --stack S`: every resource the stack would create, offline.

Runs both stacks in deployment order through the offline engine (the peer's outputs answer
the StackReference) and prints the chosen stack's resource tree grouped by component,
region and AZ, with counts. `--format json` gives the same data for machines.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drctl.engine import Capture, EngineError, Registration, Topology, run_topology
from drctl.stackconfig import StackConfigError

# File-level component id (type token `dtem-dr:<file>:<Class>`) -> the name users know.
COMPONENT_NAMES = {
    "keys": "keys",
    "network": "network",
    "cluster": "kubernetes",
    "database": "database",
    "backup": "backup",
    "object_store": "objectStore",
    "cache": "cache",
    "queue": "queue",
    "secrets": "secrets",
    "workloads": "workloads",
    "traffic": "traffic",
    "registry": "registry",
}
COMPONENT_ORDER = list(COMPONENT_NAMES.values())


def component_name(reg: Registration) -> str:
    return COMPONENT_NAMES.get(reg.component or "", reg.component or "(stack)")


def az_of(reg: Registration, azs: list[str] | None = None) -> str | None:
    """The AZ a resource is pinned to, when it is (subnet, instance, node group, NAT...)."""
    inputs = reg.inputs
    for key in ("availabilityZone",):
        if isinstance(inputs.get(key), str):
            return inputs[key]
    tags = inputs.get("tags") or {}
    if isinstance(tags, dict) and isinstance(tags.get("dtem:az"), str):
        return tags["dtem:az"]
    # Per-AZ children are named `<component>-<role>-<az>` (route tables, EIPs, NATs...).
    return next((az for az in azs or [] if reg.name.endswith(f"-{az}")), None)


def summarize(capture: Capture) -> dict[str, Any]:
    """The plan as data: per component, per region, per AZ, the resources."""
    tree: dict[str, dict[str, dict[str, list[dict[str, Any]]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    azs = capture.exports.get("availabilityZones") or []
    for reg in capture.custom():
        comp = component_name(reg)
        tree[comp][reg.region or "(none)"][az_of(reg, azs) or "regional"].append(
            {
                "type": reg.type,
                "name": reg.name,
                "urn": reg.urn,
                "protect": bool(reg.protect),
                "ignoreChanges": reg.ignore_changes,
            }
        )
    counts = Counter(component_name(r) for r in capture.custom())
    ordered = sorted(tree, key=lambda c: (COMPONENT_ORDER.index(c) if c in COMPONENT_ORDER else 99, c))
    return {
        "project": capture.project,
        "stack": capture.stack,
        "region": capture.exports.get("region"),
        "site": capture.exports.get("site"),
        "role": capture.exports.get("role"),
        "availabilityZones": capture.exports.get("availabilityZones"),
        "resourceCount": len(capture.custom()),
        "protectedCount": sum(1 for r in capture.custom() if r.protect),
        "countsByComponent": {c: counts[c] for c in ordered},
        "components": {
            c: {region: {az: sorted(items, key=lambda i: (i["type"], i["name"])) for az, items in sorted(azs.items())} for region, azs in sorted(tree[c].items())}
            for c in ordered
        },
        "exports": capture.exports,
        "warnings": capture.warnings(),
        "secretPlaceholders": [k for k, v in capture.config.items() if v.startswith("offline-placeholder")],
    }


def _short_type(type_: str) -> str:
    # aws:rds/cluster:Cluster -> aws:rds:Cluster; kubernetes:apps/v1:Deployment -> k8s:apps/v1:Deployment
    pkg, mod, cls = type_.split(":")
    if pkg == "kubernetes":
        return f"k8s:{mod}:{cls}"
    return f"{pkg}:{mod.split('/')[0]}:{cls}"


def render_text(data: dict[str, Any]) -> str:
    lines = [
        f"stack {data['stack']} -- site {data['site']}, region {data['region']}, role {data['role']}",
        f"  availability zones: {', '.join(data['availabilityZones'] or [])}",
        f"  {data['resourceCount']} resources ({data['protectedCount']} protected)",
        "",
    ]
    for comp, regions in data["components"].items():
        lines.append(f"{comp} ({data['countsByComponent'][comp]})")
        for region, azs in regions.items():
            lines.append(f"  {region}")
            for az, items in azs.items():
                lines.append(f"    {az} ({len(items)})")
                for item in items:
                    flags = " [protected]" if item["protect"] else ""
                    if item["ignoreChanges"]:
                        flags += f" [ignore: {', '.join(item['ignoreChanges'])}]"
                    lines.append(f"      {_short_type(item['type']):<48} {item['name']}{flags}")
        lines.append("")
    for w in data["warnings"]:
        lines.append(f"warning: {w}")
    if data["secretPlaceholders"]:
        lines.append(f"note: secrets replaced by offline placeholders: {', '.join(data['secretPlaceholders'])}")
    return "\n".join(lines).rstrip() + "\n"


def render_md(data: dict[str, Any]) -> str:
    lines = [
        f"### Stack `{data['stack']}` — {data['site']} site, {data['region']}, role `{data['role']}`",
        "",
        f"{data['resourceCount']} resources ({data['protectedCount']} protected) over {', '.join(data['availabilityZones'] or [])}.",
        "",
        "| component | resources |",
        "|---|---:|",
    ]
    lines += [f"| {c} | {n} |" for c, n in data["countsByComponent"].items()]
    return "\n".join(lines) + "\n"


def command(args, run: Callable[[Path], Topology] = run_topology) -> int:
    """`run` computes both stacks (the offline engine; a test hands in a finished run)."""
    from drctl.cli import UsageError

    if args.stack not in ("primary", "dr", "all"):
        raise UsageError(f"--stack: expected primary, dr or all; got {args.stack!r}")
    try:
        topo = run(args.project_dir)
    except (EngineError, StackConfigError) as err:
        print(f"drctl plan: {err}", file=sys.stderr)
        return 1
    # `all`: both stacks from the one run the deployment order needs anyway.
    stacks = ("primary", "dr") if args.stack == "all" else (args.stack,)
    summaries = {stack: summarize(topo[stack]) for stack in stacks}
    if args.format == "json":
        print(json.dumps(summaries if args.stack == "all" else summaries[args.stack], indent=2, sort_keys=True))
    else:
        render = render_md if args.format == "md" else render_text
        print("\n".join(render(data) for data in summaries.values()), end="")
    return 0
