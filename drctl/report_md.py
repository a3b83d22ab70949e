"""The preview report as Markdown for a PR comment, within GitHub's size limit.

Rendered from the report data (`drctl.preview.compare`), section by section: verdict,
changes by component and region, the RTO/RPO matrix with deltas against the base, the
failover plan, the policy results, the topology diagram. Deterministic: the same data
gives the same text.

GitHub refuses a comment over 65,536 characters. When the report is longer than the
budget, sections are cut from the end of their item lists in a fixed order (`CUT_PLAN`:
the failover plan's detail, the changes down to their first lines, the policy rows, the
diagram -- dropped whole, half a diagram does not render -- then the changes, policies and
matrix rows further); each cut leaves a note saying what was cut and where the full report
is. The verdict and the stateful-replacement warning are never cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GITHUB_COMMENT_LIMIT = 65_536
# Room for what the posting workflow adds around the report (its hidden marker line).
DEFAULT_MAX_CHARS = GITHUB_COMMENT_LIMIT - 1_536
DEFAULT_FULL_REPORT = "`drctl preview --max-chars 0`, or in CI the `drctl-preview` artifact of the workflow run"
LEVEL_NAMES = {"L1": "component", "L2": "AZ", "L3": "region", "L4": "multi-region"}
KIND_ICONS = {"replace": "🔁", "delete": "➖", "create": "➕", "update": "✏️"}
KIND_ORDER = {"replace": 0, "delete": 1, "create": 2, "update": 3}
MAX_PATHS = 8
# drctl.check's verdicts: met, missed, peer (judged in the other stack), n/a, unknown (a
# value only known after deploy), reduced (failed over, or a first deployment).
VERDICT_ICONS = {"met": "✅", "missed": "❌", "peer": "↔️", "n/a": "➖", "unknown": "❔", "reduced": "⚠️"}


def comment_length(text: str) -> int:
    """Length as GitHub may count it: UTF-16 code units (>= characters, so a text that
    fits by this measure fits by either)."""
    return len(text.encode("utf-16-le")) // 2


# ---------------------------------------------------------------------------------------
# Durations
# ---------------------------------------------------------------------------------------


def fmt_duration(seconds: float | int | None) -> str:
    """Seconds -> the config's duration syntax (`900` -> `15m`); None -> unbounded."""
    if seconds is None:
        return "unbounded"
    seconds = int(round(seconds))
    if seconds == 0:
        return "0s"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    if seconds > 3600:
        return f"{seconds // 3600}h{(seconds % 3600) // 60}m"
    if seconds > 60:
        return f"{seconds // 60}m{seconds % 60}s"
    return f"{seconds}s"


def fmt_delta(head: float | None, base: float | None) -> str:
    """The change from `base` to `head` (None = unbounded)."""
    if head == base:
        return "unchanged"
    if head is None:
        return f"now unbounded, was {fmt_duration(base)}"
    if base is None:
        return "was unbounded"
    diff = head - base
    return f"+{fmt_duration(diff)}" if diff > 0 else f"−{fmt_duration(-diff)}"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


# ---------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------


@dataclass
class Section:
    key: str
    title: str
    """Named in the cut note."""
    head: list[str] = field(default_factory=list)
    """Never cut (heading, table header, warnings)."""
    items: list[str] = field(default_factory=list)
    """Cut from the end, one line at a time."""
    tail: list[str] = field(default_factory=list)
    """Always closes the section (after the items, even when some are cut)."""
    unit: str = "lines"
    """What the countable items are, for the cut note ("changes", "rows"...)."""
    countable: set[int] = field(default_factory=set)
    """Indices of `items` that are one unit each (not headings or blank lines)."""
    atomic: bool = False
    """All or nothing (a diagram cut in half does not render)."""
    shown: int | None = None

    def add(self, line: str, *, unit: bool = False) -> None:
        if unit:
            self.countable.add(len(self.items))
        self.items.append(line)

    def text(self, note: str | None = None) -> str:
        n = len(self.items) if self.shown is None else self.shown
        lines = self.head + self.items[:n] + self.tail
        if note is not None:
            lines = lines + ["", note]
        return "\n".join(lines).rstrip("\n") + "\n"


def _header(report: dict[str, Any]) -> Section:
    stacks = " + ".join(f"`{s}`" for s in report["stacks"])
    lines = [
        f"## DR preview · {stacks}",
        "",
        report["verdict"]["text"],
        "",
        f"Head {report['head']['label']} compared with base {report['base']['label']}. Offline run of the Pulumi "
        "program (no cloud account): resources as declared; estimates from the documented AWS figures.",
    ]
    return Section("header", "Header", head=lines)


def _changed_keys(change: dict[str, Any]) -> str:
    parts = []
    for path in change["changed"][:MAX_PATHS]:
        mark = " (replaces)" if path in change["replaceReasons"] else " (may replace)" if path in change["conditional"] else ""
        parts.append(f"`{path}`{mark}")
    if len(change["changed"]) > MAX_PATHS:
        parts.append(f"+{len(change['changed']) - MAX_PATHS} more")
    parts += [f"option `{o}`" + (" (replaces)" if o == "region" else "") for o in change["optionChanges"]]
    return ", ".join(parts)


def _changes(report: dict[str, Any]) -> Section:
    from drctl.plan import COMPONENT_ORDER

    sec = Section("changes", "Changes", unit="changes")
    sec.head = ["### Changes", ""]
    if report["head"]["error"]:
        sec.head.append(f"The program fails offline at head:\n\n```\n{report['head']['error'].strip()}\n```")
        return sec
    if report["base"]["error"]:
        sec.head.append(
            f"The base could not be run offline, so there is nothing to compare with:\n\n```\n{report['base']['error'].strip()}\n```"
        )
        return sec
    summary = []
    for stack in report["stacks"]:
        diff = report["changes"][stack]
        counts = ", ".join(f"{n} to {k}" for k, n in diff["counts"].items() if n) or "no changes"
        summary.append(f"**{stack}** ({diff['region']}): {counts}")
    sec.head.append(" · ".join(summary))
    all_changes = [(stack, c) for stack in report["stacks"] for c in report["changes"][stack]["changes"]]
    stateful = [(s, c) for s, c in all_changes if c["stateful"] and c["kind"] in ("replace", "delete")]
    if stateful:
        sec.head += ["", "> [!CAUTION]", "> Stateful resources would be replaced or deleted -- their data is lost unless restored:"]
        for stack, c in stateful:
            why = next(iter(c["replaceReasons"].values()), "") if c["kind"] == "replace" else "removed from the program"
            sec.head.append(f"> - **{c['kind']}** `{c['name']}` (`{c['type']}`, {stack} · {c['region']}): {_cell(why)}")

    def order(item: tuple[str, dict[str, Any]]):
        stack, c = item
        comp = c["componentName"]
        rank = COMPONENT_ORDER.index(comp) if comp in COMPONENT_ORDER else len(COMPONENT_ORDER)
        return (rank, comp, report["stacks"].index(stack), KIND_ORDER[c["kind"]], c["type"], c["name"], c["urn"])

    group = None
    for stack, c in sorted(all_changes, key=order):
        key = (c["componentName"], stack)
        if key != group:
            group = key
            sec.items += ["", f"**{c['componentName']}** · `{stack}` {c['region'] or ''}".rstrip()]
        line = f"- {KIND_ICONS[c['kind']]} **{c['kind']}** `{c['name']}` · `{c['type']}`"
        if c["stateful"]:
            line += " · ⚠️ stateful"
        keys = _changed_keys(c)
        if keys:
            line += f" — {keys}"
        sec.add(line, unit=True)
    return sec


def _verdict_cell(row: dict[str, Any]) -> str:
    verdict = row["verdict"] or "?"
    icon = VERDICT_ICONS.get(verdict.lower(), "")
    text = f"{icon} {verdict}".strip()
    if row["base"] is not None and row["base"]["verdict"] != row["verdict"]:
        text = f"{icon} **{verdict}** (was {row['base']['verdict']})".strip()
    return text


def _target(seconds: float | None) -> str:
    return fmt_duration(seconds)  # a None target is an accepted unbounded loss


def _target_cell(row: dict[str, Any], key: str) -> str:
    text = _target(row[key])
    if row["base"] is not None and row["base"][key] != row[key]:
        text += f" (was {_target(row['base'][key])})"
    return text


# Verdicts whose estimate is not this stack's number: None there means "no estimate here"
# (judged in the peer stack, not applicable, only known after deploy), not "unbounded".
UNJUDGED = ("n/a", "unknown", "peer")


def _estimate(value: float | None, verdict: str | None) -> str:
    if value is None and (verdict or "").lower() in UNJUDGED:
        return "—"
    return fmt_duration(value)


def _estimate_cell(row: dict[str, Any], key: str) -> str:
    return _estimate(row[key], row["verdict"])


def _delta_cell(row: dict[str, Any], key: str) -> str:
    if row["base"] is None:
        return "new"
    if row[key] == row["base"][key]:
        return "="
    unjudged = [v for v in (row["verdict"], row["base"]["verdict"]) if (v or "").lower() in UNJUDGED]
    if unjudged:
        return f"**was {_estimate(row['base'][key], row['base']['verdict'])}**"
    return f"**{fmt_delta(row[key], row['base'][key])}**"


def _failing(verdict: str) -> bool:
    return verdict.lower() == "missed"


MATRIX_HEADER = [
    "| stack | component | level | RTO target | RTO estimate | Δ | RPO target | RPO estimate | Δ | verdict |",
    "|---|---|---|---|---|---|---|---|---|---|",
]


def _matrix_row(stack: str, row: dict[str, Any]) -> str:
    return (
        f"| {stack} | {_cell(row['component'])} | {row['level']} {LEVEL_NAMES.get(row['level'], '')} "
        f"| {_target_cell(row, 'rtoTarget')} | {_estimate_cell(row, 'rtoEstimate')} | {_delta_cell(row, 'rtoEstimate')} "
        f"| {_target_cell(row, 'rpoTarget')} | {_estimate_cell(row, 'rpoEstimate')} | {_delta_cell(row, 'rpoEstimate')} "
        f"| {_verdict_cell(row)} |"
    )


def _row_changed(row: dict[str, Any]) -> bool:
    return row["base"] is None or any(row[k] != row["base"][k] for k in row["base"])


def _matrix(report: dict[str, Any]) -> Section:
    """What moved or misses a target, in full; the whole matrix folded below it."""
    sec = Section("matrix", "Full RTO/RPO matrix", unit="rows")
    sec.head = [
        "### RTO / RPO",
        "",
        "Estimated from the resource properties that will be deployed, per disaster level (L1 component, L2 AZ, "
        "L3 region, L4 several regions or replicated corruption); Δ against base.",
        "",
    ]
    unavailable = report["head"]["unavailable"].get("check")
    summary, notable, notes, full = [], [], [], []
    any_compared = False
    for stack in report["stacks"]:
        rows = report["matrix"][stack]
        if rows is None:
            policy = report["policies"].get(stack) or {}
            reason = policy.get("error") or unavailable or "no result"
            summary.append(f"**{stack}**: matrix unavailable — {_cell(reason)}")
            continue
        verdicts: dict[str, int] = {}
        for row in rows:
            verdicts[row["verdict"]] = verdicts.get(row["verdict"], 0) + 1
        counts = ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items(), key=lambda kv: (kv[0] != "missed", kv[0])))
        # A base without a matrix (older than the policy pack, or failing) has nothing to
        # compare with: only the missed targets are worth listing then.
        compared = any(r["base"] is not None for r in rows)
        any_compared = any_compared or compared
        if compared:
            moved = sum(1 for r in rows if _row_changed(r))
            summary.append(f"**{stack}**: {counts}; {moved} changed against base")
        else:
            why = report["base"]["unavailable"].get("check") or ""
            summary.append(f"**{stack}**: {counts}; no deltas, the base has no matrix" + (f" ({_cell(why)})" if why else ""))
        for row in rows:
            if _failing(row["verdict"]) or (compared and _row_changed(row)):
                notable.append(_matrix_row(stack, row))
                if row["basis"]:
                    notes.append(f"- {stack} · {row['component']} {row['level']}: {_cell(row['basis'])}")
            full.append(_matrix_row(stack, row))
    sec.head += [line + "  " if i < len(summary) - 1 else line for i, line in enumerate(summary)]
    if notable:
        sec.head += ["", "Changed against base, or missing its target:", "", *MATRIX_HEADER, *notable]
        if notes:
            sec.head += ["", *notes]
    elif full:
        changed = "No target, estimate or verdict changed, and no" if any_compared else "No"
        sec.head += ["", f"{changed} target is missed."]
    if full:
        sec.head += ["", "<details><summary>The whole matrix</summary>", "", *MATRIX_HEADER]
        for line in full:
            sec.add(line, unit=True)
        sec.tail = ["", "</details>"]
    return sec


def _failover(report: dict[str, Any]) -> Section:
    sec = Section("failover", "Failover plan detail", unit="lines")
    sec.head = ["### Failover (flip `dr` to active)", ""]
    head, base = report["failover"]["head"], report["failover"]["base"]
    if head is None:
        reason = report["head"]["unavailable"].get("failover") or "no plan"
        sec.head.append(f"Failover plan unavailable — {reason}.")
        return sec
    if "error" in head:
        sec.head.append(f"The failover plan could not be computed: `{_cell(head['error'])}`")
        return sec
    rto = head.get("estimatedRtoSeconds")
    if base is None or "error" in (base or {}):
        was = "not available at base"
    else:
        was = f"base {fmt_duration(base.get('estimatedRtoSeconds'))}, {fmt_delta(rto, base.get('estimatedRtoSeconds'))}"
    safety = "✅ safe" if head.get("ok") else "⛔ **unsafe**"
    line = f"Estimated RTO of a region failover: **{fmt_duration(rto)}** ({was}) · plan {safety} · {head.get('stepCount', 0)} steps"
    path = head.get("criticalPath") or []
    if path:
        line += " · critical path: " + " → ".join(_cell(p) for p in path)
    sec.head.append(line)
    targets = head.get("targets") if isinstance(head.get("targets"), dict) else {}
    estimates = head.get("componentEstimates") or {}
    base_estimates = (base or {}).get("componentEstimates") or {} if base and "error" not in base else {}
    if estimates:
        sec.head += [
            "",
            "| component | estimated RTO | Δ | L3 RTO target | |",
            "|---|---|---|---|---|",
        ]
        for comp, est in estimates.items():
            target = targets.get(comp)
            met = "✅" if est is not None and (target is None or est <= target) else "❌"
            delta = "new" if comp not in base_estimates else "=" if base_estimates[comp] == est else f"**{fmt_delta(est, base_estimates[comp])}**"
            sec.head.append(f"| {_cell(comp)} | {fmt_duration(est)} | {delta} | {_target(target)} | {met} |")
    findings = head.get("findings") or []
    if findings:
        sec.head += ["", f"Findings ({len(findings)}):"] + [f"- {_cell(f)}" for f in findings]
    markdown = (head.get("markdown") or "").strip()
    if markdown:
        sec.head += ["", "<details><summary>The failover plan, step by step</summary>", ""]
        sec.items = markdown.splitlines()
        sec.tail = ["", "</details>"]
    return sec


def _policies(report: dict[str, Any]) -> Section:
    sec = Section("policies", "Policy results", unit="violations")
    sec.head = ["### Policies", ""]
    unavailable = report["head"]["unavailable"].get("check")
    header_done = False
    lines = []
    for stack in report["stacks"]:
        pol = report["policies"][stack]
        if pol is None:
            lines.append(f"**{stack}**: policy results unavailable — {_cell(unavailable or 'no result')}")
            continue
        if "error" in pol:
            lines.append(f"**{stack}**: the policy pack failed — `{_cell(pol['error'])}`")
            continue
        mandatory = pol["mandatoryCount"]
        advisory = sum(1 for v in pol["violations"] if v["level"] != "mandatory")
        base = "" if pol["baseMandatoryCount"] is None else f" (base: {pol['baseMandatoryCount']} mandatory)"
        if not pol["violations"]:
            lines.append(f"**{stack}**: ✅ no violations{base}")
        else:
            icon = "⛔" if mandatory else "⚠️"
            lines.append(f"**{stack}**: {icon} {mandatory} mandatory, {advisory} advisory{base}")
        if pol["fixed"]:
            fixed = ", ".join(f"`{v['policy']}` on `{v['resource'] or v['urn']}`" for v in pol["fixed"])
            lines.append(f"  fixed by this change: {fixed}")
    sec.head += [line + "  " if i < len(lines) - 1 else line for i, line in enumerate(lines)]
    for stack in report["stacks"]:
        pol = report["policies"][stack]
        if not pol or "error" in pol or not pol["violations"]:
            continue
        if not header_done:
            sec.items += ["", "| | stack | level | policy | resource | message |", "|---|---|---|---|---|---|"]
            header_done = True
        for v in pol["violations"]:
            mark = "🆕" if v["new"] else ""
            sec.add(
                f"| {mark} | {stack} | {v['level']} | `{_cell(v['policy'])}` | `{_cell(v['resource'] or v['urn'])}` | {_cell(v['message'])} |",
                unit=True,
            )
    return sec


def _topology(report: dict[str, Any]) -> Section:
    sec = Section("topology", "Topology diagram", unit="diagram", atomic=True)
    if report["mermaid"] is None:
        sec.head = ["### Topology", "", "No diagram: the program fails offline at head."]
        return sec
    changed = {True: " — changed by this PR", False: " — unchanged", None: ""}[report["mermaidChanged"]]
    sec.head = [f"### Topology (head){changed}", ""]
    sec.items = ["```mermaid", *report["mermaid"].splitlines(), "```"]
    return sec


# Cut first -> cut last, as (section, lines it keeps at this pass): the failover plan's
# detail goes first; the changes keep their first lines while the policies and the
# diagram are tried; only then do the changes, policies and matrix go further. The header
# (verdict, stateful-replacement warning) is never cut.
CUT_PLAN = (
    ("failover", 0),
    ("changes", 60),
    ("policies", 20),
    ("topology", 0),
    ("changes", 0),
    ("policies", 0),
    ("matrix", 0),
)


def _note(sec: Section, full_report: str) -> str:
    shown = len(sec.items) if sec.shown is None else sec.shown
    if sec.atomic:
        what = f"the {sec.title.lower()} was left out"
    elif sec.countable:
        kept = sum(1 for i in sec.countable if i < shown)
        what = f"{sec.title}: {kept} of {len(sec.countable)} {sec.unit} shown"
    else:
        kept = sum(1 for line in sec.items[:shown] if line.strip())
        all_ = sum(1 for line in sec.items if line.strip())
        what = f"{sec.title}: {kept} of {all_} {sec.unit} shown"
    return f"> ✂️ **Cut to fit GitHub's comment limit** — {what}. Full report: {full_report}."


def render_markdown(report: dict[str, Any], *, max_chars: int = DEFAULT_MAX_CHARS, full_report: str | None = None) -> str:
    """The report as Markdown. `max_chars` bounds its length (0: no bound)."""
    full_report = full_report or DEFAULT_FULL_REPORT
    sections = [_header(report), _changes(report), _matrix(report), _failover(report), _policies(report), _topology(report)]
    by_key = {s.key: s for s in sections}

    def render() -> str:
        parts = []
        for s in sections:
            cut = s.shown is not None and s.shown < len(s.items)
            parts.append(s.text(_note(s, full_report) if cut else None))
        return "\n".join(parts)

    text = render()
    if not max_chars or comment_length(text) <= max_chars:
        return text
    for key, floor in CUT_PLAN:
        sec = by_key[key]
        current = len(sec.items) if sec.shown is None else sec.shown
        if current <= floor:
            continue
        if sec.atomic:
            sec.shown = 0
        else:
            # The longest prefix (not below `floor`) that fits, by bisection: the length
            # grows with the number of lines shown.
            lo, hi = floor, current
            while lo < hi:
                mid = (lo + hi + 1) // 2
                sec.shown = mid
                if comment_length(render()) <= max_chars:
                    lo = mid
                else:
                    hi = mid - 1
            sec.shown = lo
        text = render()
        if comment_length(text) <= max_chars:
            return text
    # Only a budget smaller than the uncuttable parts gets here: cut the text itself.
    note = f"\n\n> ✂️ **Cut to fit the comment limit.** Full report: {full_report}.\n"
    room = max(0, max_chars - comment_length(note))
    out = []
    used = 0
    for ch in text:
        size = comment_length(ch)
        if used + size > room:
            break
        out.append(ch)
        used += size
    result = "".join(out) + note
    return result if comment_length(result) <= max_chars else result[:max_chars]
