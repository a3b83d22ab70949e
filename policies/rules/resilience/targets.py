"""The resilience assessment: every component meets its RTO/RPO target at every level."""

from ...estimate import estimate_matrix
from ..base import Finding, Rule


def check(ix, ctx, cfg):
    if ctx.problems:
        for problem in ctx.problems:
            yield Finding(f"cannot assess RTO/RPO: {problem} (the stack config must carry dtem-dr:topology with rto/rpo per component)")
        return
    for miss in estimate_matrix(ix, ctx).misses():
        yield Finding(miss.message, miss.subject, frozenset({miss.key}))


POLICY = Rule(
    name="resilience-targets",
    area="resilience",
    description="For every component and disaster level, the RPO and RTO achievable with the resources this stack "
    "deploys (documented AWS figures, stated assumptions) meet the targets of dtem-dr:topology.",
    why="The point of the pack: a change that makes DTEM miss a declared RTO or RPO fails at preview, with the "
    "settings that produced the estimate and what would meet the target (issue 4).",
    remediation="Read the message: it names the component, level, estimate, target, the settings behind the estimate "
    "and what would meet the target. Change the setting, or state an honest target in Pulumi.yaml.",
    severity="critical",
    tags=("resilience", "rto", "rpo"),
    stack=True,
    check=check,
)
