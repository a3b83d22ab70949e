"""Say so, loudly but without blocking, while there is no live second region."""

from ...context import COMPONENTS, fmt
from ...estimate import region_loss_reduced
from ..base import ADVISORY, Finding, NotApplicable, Rule


def check(ix, ctx, cfg):
    reason = region_loss_reduced(ctx)
    if reason is None:
        raise NotApplicable("the stack has a live second region")
    targets = ", ".join(
        f"{comp} RPO {fmt(ctx.target(comp, 'rpo', 'L3'))}/RTO {fmt(ctx.target(comp, 'rto', 'L3'))}"
        for comp in COMPONENTS
        if ctx.has_target(comp)
    )
    yield Finding(f"region loss (L3) is not protected now — {reason}; L3 targets not assessed: {targets}")


POLICY = Rule(
    name="resilience-region-loss-unprotected",
    area="resilience",
    description="Reports, as advisory, when the stack has no live second region: the dr stack after a failover, or the "
    "primary stack's first deployment (peerWired: false).",
    why="Those states are expected and must not be blocked (blocking the failover itself would be the worst outcome), "
    "but nobody should forget that the region-loss targets are not met until failback / wiring.",
    remediation="After a failover: plan the failback (`drctl plan --stack primary --failback`). First deployment: "
    "deploy the dr stack, then re-run the primary stack without peerWired.",
    severity="high",
    enforcement=ADVISORY,
    tags=("resilience", "L3"),
    stack=True,
    check=check,
)
