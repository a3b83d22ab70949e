"""The figures of `make bench`, one function each; `python -m bench.figures NAME OUT.json`.

Each figure runs in a process of its own (started by `bench.run`), so that one figure's
heap, imports and warm caches never weigh on another's. Every subject is measured against
a baseline *in the same process, in the same run*, the two interleaved (A B A B ...) so that
the machine's noise hits both alike; a figure reports medians and the ratio of medians.
Nothing here asserts a time: the verdict is printed and recorded, the exit code is 0.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TRIVIAL_PACK = Path(__file__).resolve().parent / "trivial_pack"
PY = sys.executable

# Repeats per figure (full run, --quick run): chosen so `make bench` stays within a few
# minutes on a 2-core machine; the small cases are cheap, so they get more repeats.
REPEATS = {
    "overhead": (9, 3),
    "growth": ({10: 7, 100: 4, 1000: 3}, {10: 3, 30: 3, 100: 2}),
    "policy": ({"dtem": 4, "large": 2}, {"dtem": 2, "large": 1}),
    "failover": (4, 2),
    "startup": (31, 7),
}
LARGE = (1000, 100)  # workloads of the large topology (full, --quick)


# ---------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def interleaved(subjects: dict[str, Callable[[], Any]], repeats: int) -> dict[str, list[float]]:
    """Run each subject `repeats` times, in turn (A B C A B C ...); seconds per run."""
    samples: dict[str, list[float]] = {k: [] for k in subjects}
    for _ in range(repeats):
        for key, fn in subjects.items():
            samples[key].append(timed(fn)[0])
    return samples


def run_cli(*args: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run([PY, *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # 1: a finding (a failed check), still a full run
        raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()[-800:]}")
    return elapsed


def stats(samples: list[float], scale: float = 1.0) -> dict[str, Any]:
    values = [s * scale for s in samples]
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "samples": values}


def row(
    figure: str,
    label: str,
    unit: str,
    measured: dict[str, Any],
    *,
    baseline: dict[str, Any] | None = None,
    target: float | None = None,
    role: str = "subject",
    note: str = "",
    **extra: Any,
) -> dict[str, Any]:
    """One line of the table. `role`: subject (has a ratio and maybe a target), baseline
    (what the ratios of its figure divide by) or info (a ratio shown, no target)."""
    ratio = measured["median"] / baseline["median"] if baseline else None
    if role == "baseline":
        verdict = "baseline"
    elif target is None or ratio is None:
        verdict = "info"
    else:
        verdict = "met" if ratio <= target else "MISSED"
    return {
        "figure": figure,
        "label": label,
        "unit": unit,
        **{k: measured[k] for k in ("median", "min", "max", "samples")},
        "ratio": ratio,
        "target": target,
        "verdict": verdict,
        "role": role,
        "note": note,
        **extra,
    }


def unavailable(figure: str, label: str, why: str) -> dict[str, Any]:
    return {
        "figure": figure,
        "label": label,
        "unit": "",
        "median": None,
        "min": None,
        "max": None,
        "samples": [],
        "ratio": None,
        "target": None,
        "verdict": "not run",
        "role": "subject",
        "note": why,
    }


# ---------------------------------------------------------------------------------------
# Topologies
# ---------------------------------------------------------------------------------------


def synthetic_overrides(workloads: int) -> dict[str, dict[str, Any]]:
    """`run_topology` overrides for a topology of `workloads` services: the shipped
    topology with `workloads.services` replaced. Every tenth service is public and has its
    own failover record (so Route 53 checks and records grow with it). The data components
    are one per region in the config model (one database, cache, queue, bucket): they do
    not scale."""
    from drctl.stackconfig import load_raw_config

    raw = load_raw_config(ROOT, "primary")
    topology = json.loads(raw.values[f"{raw.project}:topology"])
    services = {}
    records = {}
    for i in range(workloads):
        name = f"svc-{i:04d}"
        public = i % 10 == 0
        services[name] = {"replicas": {"active": 3, "standby": 1}, "port": 8080, "public": public}
        if public:
            records[f"r{i:04d}"] = name
    topology["workloads"]["services"] = services
    topology["dns"]["records"] = records
    over = {f"{raw.project}:topology": json.dumps(topology)}
    return {"primary": over, "dr": over}


# ---------------------------------------------------------------------------------------
# 1. Library overhead
# ---------------------------------------------------------------------------------------


def fig_overhead(quick: bool) -> list[dict[str, Any]]:
    from bench.replay import replay, same_registrations
    from drctl.engine import run_topology
    from drctl.plan import render_text, summarize
    from drctl.stackconfig import load_raw_config

    repeats = REPEATS["overhead"][quick]
    topo = run_topology(ROOT)  # warm: imports, the program's modules
    runs = [(topo.first_pass, None), (topo.dr, topo.first_pass.exports), (topo.primary, topo.dr.exports)]
    secret_keys = {s: load_raw_config(ROOT, s).secret_keys for s in ("primary", "dr")}
    registrations = sum(len(c.resources) for c, _ in runs)

    def library() -> None:
        t = run_topology(ROOT)
        for stack in ("primary", "dr"):
            render_text(summarize(t[stack]))

    def flat() -> None:
        for capture, peer in runs:
            replay(capture, secret_keys=secret_keys[capture.stack], peer_outputs=peer)

    problems = []
    for capture, peer in runs:
        problems += same_registrations(capture, replay(capture, secret_keys=secret_keys[capture.stack], peer_outputs=peer))
    if problems:
        raise RuntimeError("the flat replay does not register what the program registers:\n  " + "\n  ".join(problems[:20]))

    subjects: dict[str, Callable[[], Any]] = {"library": library, "flat": flat}
    # Diagnostic: the SDK records a source stack trace for every resource built by a typed
    # class (pulumi_aws.ec2.Vpc, ...), not for a raw CustomResource; measured here by
    # switching it off, to say how much of the ratio it is.
    import pulumi.runtime.resource as sdk_resource

    real_trace = getattr(sdk_resource, "_get_stack_trace", None)
    if real_trace is not None:
        from pulumi.runtime.proto import source_pb2

        def library_without_traces() -> None:
            sdk_resource._get_stack_trace = lambda: source_pb2.StackTrace()
            try:
                library()
            finally:
                sdk_resource._get_stack_trace = real_trace

        subjects["no-traces"] = library_without_traces
    samples = interleaved(subjects, repeats)
    base = stats(samples["flat"])
    rows = [
        row(
            "1 overhead",
            f"drctl plan, both DTEM stacks ({registrations} registrations in 3 runs)",
            "s",
            stats(samples["library"]),
            baseline=base,
            target=1.3,
            note="run_topology (config, components, typed SDK classes, capture) + plan rendering",
        ),
        row(
            "1 overhead",
            "baseline: the same registrations replayed flat (raw CustomResource)",
            "s",
            base,
            role="baseline",
            note="same types, names, wire inputs, parents, providers, dependencies, options; same mocks",
        ),
    ]
    if "no-traces" in samples:
        rows.append(
            row(
                "1 overhead",
                "diagnostic: drctl plan with the SDK's per-resource stack traces off",
                "s",
                stats(samples["no-traces"]),
                baseline=base,
                role="info",
                note="pulumi.runtime.resource._get_stack_trace stubbed; shows that part of the ratio",
            )
        )
    return rows


# ---------------------------------------------------------------------------------------
# 2. Growth
# ---------------------------------------------------------------------------------------


def fig_growth(quick: bool) -> list[dict[str, Any]]:
    """The primary stack as first deployed (`peerWired: false`: no peer stack to run first,
    and it holds the most resources: the Route 53 checks and records), run and rendered as
    `drctl plan` does."""
    import tracemalloc

    from drctl.engine import run_stack
    from drctl.plan import render_text, summarize

    repeats = REPEATS["growth"][quick]
    sizes = sorted(repeats)
    run_stack(ROOT, "primary", overrides={"dtem-dr:peerWired": "false"})  # warm
    time_rows: list[dict[str, Any]] = []
    mem_rows: list[dict[str, Any]] = []
    times: dict[int, dict[str, Any]] = {}
    mems: dict[int, dict[str, Any]] = {}
    for n in sizes:
        over = {**synthetic_overrides(n)["primary"], "dtem-dr:peerWired": "false"}

        def plan() -> int:
            capture = run_stack(ROOT, "primary", overrides=over)
            render_text(summarize(capture))
            return len(capture.resources)

        samples = []
        count = 0
        for _ in range(repeats[n]):
            elapsed, count = timed(plan)
            samples.append(elapsed)
        gc.collect()
        tracemalloc.start()
        plan()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        times[n], mems[n] = stats(samples, 1000.0 / count), stats([peak], 1.0 / 1024 / count)
        label = f"{n} workloads: primary stack, {count} resources"
        first, last = n == sizes[0], n == sizes[-1]
        role = "baseline" if first else "subject"
        base_t, base_m = (None, None) if first else (times[sizes[0]], mems[sizes[0]])
        target = 1.5 if last else None
        time_rows.append(row("2 growth", f"time per resource, {label}", "ms", times[n], baseline=base_t, target=target, role=role, resources=count, workloads=n))
        mem_rows.append(
            row(
                "2 growth",
                f"peak memory per resource, {label}",
                "KiB",
                mems[n],
                baseline=base_m,
                target=target,
                role=role,
                resources=count,
                workloads=n,
                note="tracemalloc peak of one run (the capture is kept)",
            )
        )
    if len(sizes) >= 3:
        mid, big = sizes[-2], sizes[-1]
        time_rows.append(
            row(
                "2 growth",
                f"similar mix: time per resource, {big} vs {mid} workloads",
                "ms",
                times[big],
                baseline=times[mid],
                role="info",
                note="the 10-workload stack is mostly AWS resources, the larger ones mostly Kubernetes and Route 53",
            )
        )
    return time_rows + mem_rows


# ---------------------------------------------------------------------------------------
# 3. Policy pack
# ---------------------------------------------------------------------------------------


def _policy_kinds() -> dict[str, str]:
    """How many resource and stack policies the project's pack has ({} if unknown)."""
    try:
        from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

        from policies.pack import policies

        found = policies()
    except Exception:  # noqa: BLE001 - a pack being rewritten: skip the diagnostic
        return {}
    return {
        "BENCH_NOOP_RESOURCE_POLICIES": str(sum(isinstance(p, ResourceValidationPolicy) for p in found)),
        "BENCH_NOOP_STACK_POLICIES": str(sum(isinstance(p, StackValidationPolicy) for p in found)),
    }


def fig_policy(quick: bool) -> list[dict[str, Any]]:
    try:
        from drctl.analyzer import PolicyPackProcess, inputs_of, load_policy_config
    except ImportError as err:
        return [unavailable("3 policy pack", "Analyze + AnalyzeStack through gRPC", f"no harness: {err}")]
    from drctl.engine import run_stack, run_topology

    repeats = REPEATS["policy"][quick]
    large = LARGE[quick]
    medium = large // 10
    topo = run_topology(ROOT)

    def dr_of(workloads: int):
        over = synthetic_overrides(workloads)
        first = run_stack(ROOT, "primary", overrides={**over["primary"], "dtem-dr:peerWired": "false"})
        return run_stack(ROOT, "dr", overrides=over["dr"], peer_outputs=first.exports)

    cases = [
        ("DTEM primary", topo.primary, repeats["dtem"], True),
        ("DTEM dr", topo.dr, repeats["dtem"], True),
        (f"{medium} workloads, dr", dr_of(medium), repeats["dtem"], True),
        # No untimed pass for the large case: the pack's one-time imports are noise there.
        (f"{large} workloads, dr", dr_of(large), repeats["large"], False),
    ]
    kinds = _policy_kinds()
    rows: list[dict[str, Any]] = []
    per_resource: dict[str, dict[str, Any]] = {}
    for label, capture, n, warm in cases:
        resources = inputs_of(capture)
        count = len(resources)
        common = dict(config=capture.config, project=capture.project, stack=capture.stack, dry_run=True)
        processes = {
            "pack": PolicyPackProcess(ROOT / "policies", **common),
            "trivial": PolicyPackProcess(TRIVIAL_PACK, **common),
        }
        # Diagnostic (not on the large case, to keep the run short): as many no-op policies
        # of each kind as the pack has -- what the SDK alone costs per policy.
        if warm and kinds:
            processes["no-op"] = PolicyPackProcess(TRIVIAL_PACK, env=kinds, **common)
        try:
            for key, proc in processes.items():
                proc.start()
                proc.configure(load_policy_config() if key == "pack" else {})
            policies = len(processes["pack"].info().policies)
            if warm:  # the pack's first calls import and compile its rules
                for proc in processes.values():
                    proc.analyze_resources(resources)
            samples = interleaved({k: (lambda p=p: p.analyze_resources(resources)) for k, p in processes.items()}, n)
        finally:
            for proc in processes.values():
                proc.stop()
        scale = 1000.0 / count
        t_pack, t_triv = stats(samples["pack"], scale), stats(samples["trivial"], scale)
        per_resource[label] = t_pack
        rows.append(
            row(
                "3 policy pack",
                f"{label}, {count} resources: the pack ({policies} policies)",
                "ms/res",
                t_pack,
                baseline=t_triv,
                target=3.0,
                resources=count,
                note="Analyze per resource + one AnalyzeStack, gRPC, harness drctl/analyzer.py",
            )
        )
        rows.append(row("3 policy pack", f"{label}: baseline, a pack with one no-op policy", "ms/res", t_triv, role="baseline", resources=count))
        if "no-op" in samples:
            rows.append(
                row(
                    "3 policy pack",
                    f"{label}: diagnostic, {kinds['BENCH_NOOP_RESOURCE_POLICIES']}+{kinds['BENCH_NOOP_STACK_POLICIES']} no-op policies",
                    "ms/res",
                    stats(samples["no-op"], scale),
                    baseline=t_triv,
                    role="info",
                    resources=count,
                    note="the pulumi_policy SDK decodes every resource once per policy: its floor for a pack of this size",
                )
            )
    small, mid, big = "DTEM dr", cases[2][0], cases[3][0]
    rows.append(
        row(
            "3 policy pack",
            f"linearity: the pack per resource, {big} vs {mid}",
            "ms/res",
            per_resource[big],
            baseline=per_resource[mid],
            target=1.5,
            note="full run: 1,000 vs 100 workloads, both mostly Kubernetes resources",
        )
    )
    rows.append(
        row(
            "3 policy pack",
            f"mix: the pack per resource, {big} vs DTEM dr",
            "ms/res",
            per_resource[big],
            baseline=per_resource[small],
            role="info",
            note="a Deployment's property tree is several times an AWS resource's: the large topology is mostly Deployments",
        )
    )
    return rows


# ---------------------------------------------------------------------------------------
# 4. Failover plan and preview
# ---------------------------------------------------------------------------------------


def _cli_available(module: str) -> str | None:
    import importlib.util

    return None if importlib.util.find_spec(module) is not None else f"{module} is not in this tree yet"


def fig_failover(quick: bool) -> list[dict[str, Any]]:
    repeats = REPEATS["failover"][quick]
    subjects: dict[str, Callable[[], Any]] = {"plan": lambda: run_cli("-m", "drctl", "plan", "--stack", "dr")}
    missing = {}
    for key, module, args in (
        ("failover", "drctl.failover", ("plan", "--stack", "dr", "--failover")),
        ("preview", "drctl.preview", ("preview", "--stack", "dr", "--base", "HEAD", "--allow-dirty")),
    ):
        why = _cli_available(module)
        if why:
            missing[key] = why
        else:
            subjects[key] = lambda args=args: run_cli("-m", "drctl", *args)
    for fn in subjects.values():  # warm: bytecode caches, page cache
        fn()
    samples = interleaved(subjects, repeats)
    base = stats(samples["plan"])
    rows = [row("4 failover/preview", "baseline: drctl plan --stack dr", "s", base, role="baseline")]
    labels = {
        "failover": ("drctl plan --stack dr --failover", "the flip's plan: a second dr run as active + diff + 4 safety checks"),
        "preview": (
            "drctl preview --stack dr --base HEAD",
            "head and base trees (base in a git worktree, its own process), check, failover, Markdown",
        ),
    }
    for key, (label, note) in labels.items():
        if key in missing:
            rows.append(unavailable("4 failover/preview", label, missing[key]))
        else:
            rows.append(row("4 failover/preview", label, "s", stats(samples[key]), baseline=base, target=1.5, note=note))
    return rows


# ---------------------------------------------------------------------------------------
# 5. CLI start-up
# ---------------------------------------------------------------------------------------

_HEAVY = ("pulumi", "pulumi_aws", "pulumi_kubernetes", "pulumi_policy", "boto3", "botocore", "grpc", "google", "pydantic", "yaml")


def fig_startup(quick: bool) -> list[dict[str, Any]]:
    repeats = REPEATS["startup"][quick]
    probe = (
        "import sys\n"
        "sys.argv = ['drctl', '--help']\n"
        "from drctl import cli\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY:' + ' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({_HEAVY!r}))))\n"
    )
    out = subprocess.run([PY, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    loaded = next((line[len("HEAVY:") :].strip() for line in out.splitlines() if line.startswith("HEAVY:")), "")
    subjects = {"help": lambda: run_cli("-m", "drctl", "--help"), "pass": lambda: run_cli("-c", "pass")}
    for fn in subjects.values():
        fn()
    samples = interleaved(subjects, repeats)
    base = stats(samples["pass"], 1000.0)
    return [
        row(
            "5 start-up",
            "drctl --help",
            "ms",
            stats(samples["help"], 1000.0),
            baseline=base,
            target=4.0,
            note=f"heavy modules imported by --help: {loaded or 'none'}",
            heavy_imports=loaded.split() if loaded else [],
        ),
        row("5 start-up", "baseline: python -c pass", "ms", base, role="baseline"),
    ]


FIGURES: dict[str, Callable[[bool], list[dict[str, Any]]]] = {
    "overhead": fig_overhead,
    "growth": fig_growth,
    "policy": fig_policy,
    "failover": fig_failover,
    "startup": fig_startup,
}


def main(argv: list[str]) -> int:
    name, out = argv[0], Path(argv[1])
    quick = "--quick" in argv[2:]
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import warnings

    warnings.simplefilter("ignore", DeprecationWarning)
    started = time.perf_counter()
    rows = FIGURES[name](quick)
    out.write_text(json.dumps({"figure": name, "seconds": time.perf_counter() - started, "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
