"""A warm standby keeps at least one replica of every Deployment running."""

from ...resources import DEPLOYMENT
from ..base import NotApplicable, Rule
from ._pods import replicas


def check(res, ctx, cfg):
    if ctx.active:
        raise NotApplicable("active region: k8s-active-min-replicas applies")
    strategy = ctx.section("workloads", "strategy")
    if strategy != "warm":
        raise NotApplicable(f"workloads.strategy is {strategy}: only a warm standby keeps replicas running")
    n = replicas(res)
    if n < 1:
        yield f"Deployment `{res.label}` must keep ≥ 1 replica in standby (workloads.strategy warm); got {n}"


POLICY = Rule(
    name="k8s-standby-warm-replicas",
    area="kubernetes",
    description="In a standby region under the warm strategy, every Deployment keeps at least one replica running.",
    why="The warm strategy's promise is that the dr region is proven to run the current image before it is needed; "
    "0 replicas silently turns it into pilot light and the RTO estimate into a guess.",
    remediation="Set `workloads.services.<name>.replicas.standby` ≥ 1, or choose `workloads.strategy: pilot-light` openly.",
    severity="high",
    tags=("kubernetes", "L3"),
    types=(DEPLOYMENT,),
    check=check,
)
