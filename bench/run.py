"""`make bench` / `python -m bench [--quick] [--only a,b] [--out FILE]`.

Runs each figure in its own process (`bench.figures`), prints one table -- figure, median,
min-max, ratio against the baseline measured in the same run, target, verdict -- and
writes `bench/results.json` with every sample. Never fails on a missed target (it says
MISSED): benchmarks are a report, not a test. Exits non-zero only if a figure could not be
measured at all.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.figures import FIGURES, ROOT

DEFAULT_OUT = ROOT / "bench" / "results.json"


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit in ("s",):
        return f"{value:.3f}"
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def table(rows: list[dict[str, Any]]) -> str:
    headers = ["figure", "what", "median", "min-max", "ratio", "target", "verdict"]
    lines = []
    for r in rows:
        unit = r.get("unit") or ""
        median = f"{_fmt(r['median'], unit)} {unit}".strip() if r["median"] is not None else "-"
        spread = f"{_fmt(r['min'], unit)}-{_fmt(r['max'], unit)}" if r["min"] is not None else "-"
        ratio = f"{r['ratio']:.2f}x" if r.get("ratio") is not None else ("1.00x" if r["role"] == "baseline" else "-")
        target = f"<= {r['target']:g}x" if r.get("target") is not None else "-"
        lines.append([r["figure"], r["label"], median, spread, ratio, target, r["verdict"]])
    widths = [max([len(h), *(len(line[i]) for line in lines)]) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)), "  ".join("-" * w for w in widths)]
    previous = None
    for line in lines:
        if previous is not None and line[0] != previous:
            out.append("")
        previous = line[0]
        out.append("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip())
    return "\n".join(out)


def run_figure(name: str, quick: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.json"
        cmd = [sys.executable, "-m", "bench.figures", name, str(out), *(["--quick"] if quick else [])]
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0 or not out.exists():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
            return {"figure": name, "error": "\n".join(tail) or f"exit code {proc.returncode}", "rows": []}
        return json.loads(out.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and a 100-workload large case (a smoke run)")
    parser.add_argument("--only", default="", help=f"comma-separated figures: {', '.join(FIGURES)}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the results (default bench/results.json)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(FIGURES)
    unknown = [n for n in names if n not in FIGURES]
    if unknown:
        parser.error(f"unknown figure(s): {', '.join(unknown)} (known: {', '.join(FIGURES)})")

    started = time.perf_counter()
    results = []
    for name in names:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        result = run_figure(name, args.quick)
        if result.get("error"):
            print(f"bench: {name} failed:\n{result['error']}", file=sys.stderr)
        else:
            print(f"bench: {name} done in {result['seconds']:.0f}s", file=sys.stderr, flush=True)
        results.append(result)
    rows = [r for res in results for r in res["rows"]]
    print(table(rows))
    failed = [res["figure"] for res in results if res.get("error")]
    missed = [f"{r['figure']}: {r['label']}" for r in rows if r["verdict"] == "MISSED"]
    not_run = [f"{r['figure']}: {r['label']} ({r['note']})" for r in rows if r["verdict"] == "not run"]
    for line in missed:
        print(f"missed: {line}")
    for line in not_run:
        print(f"not run: {line}")
    for name in failed:
        print(f"failed: figure {name} (see above)")
    payload = {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        },
        "figures": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"\nwritten: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out} ({payload['seconds']:.0f}s)")
    return 1 if failed else 0
