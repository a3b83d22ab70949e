"""No stack target is laxer than the organisation's largest acceptable RPO per level."""

from ...context import COMPONENTS, LEVEL_NAMES, LEVELS, fmt, parse_duration
from ..base import Finding, NotApplicable, Rule


def check(ix, ctx, cfg):
    if ctx.problems:
        raise NotApplicable("the targets cannot be read (resilience-targets reports why)")
    ceilings = cfg.get("maximumRpo") or {}
    for comp in COMPONENTS:
        if not ctx.has_target(comp):
            continue
        for lvl in LEVELS:
            if lvl not in ceilings:
                continue
            ceiling = parse_duration(ceilings[lvl])
            target = ctx.target(comp, "rpo", lvl)
            if ceiling is None:
                continue
            if target is None or target > ceiling:
                yield Finding(
                    f"{comp}: {lvl} ({LEVEL_NAMES[lvl]}) RPO target {fmt(target)} exceeds the organisation's ceiling "
                    f"{fmt(ceiling)} (resilience-target-ceiling.maximumRpo.{lvl} in policies/config.json)",
                    None,
                    frozenset({f"{comp}/{lvl}"}),
                )


POLICY = Rule(
    name="resilience-target-ceiling",
    area="resilience",
    description="Every component's RPO target, per level, is no laxer than the organisation's largest acceptable RPO "
    "for that level (policies/config.json).",
    why="resilience-targets proves the stack meets its own targets; this keeps a team from meeting them by writing "
    "lax ones.",
    remediation="Tighten the target in Pulumi.yaml, or record an exemption with its reason in policies/exemptions.json "
    "(resource `<component>/<level>`).",
    severity="high",
    tags=("resilience", "rpo"),
    config={
        "maximumRpo": {
            "type": "object",
            "description": "Largest acceptable RPO per level (durations like \"1h\"; a level left out has no ceiling).",
            "properties": {lvl: {"type": "string"} for lvl in LEVELS},
            "additionalProperties": False,
            "default": {"L1": "1h", "L2": "1h", "L3": "1h", "L4": "1d"},
        }
    },
    stack=True,
    check=check,
)
