"""Active Deployments run at least two replicas."""

from ...resources import DEPLOYMENT
from ..base import NotApplicable, Rule
from ._pods import replicas


def check(res, ctx, cfg):
    if not ctx.active:
        raise NotApplicable("standby region: k8s-standby-warm-replicas applies")
    floor = int(cfg["minimumReplicas"])
    n = replicas(res)
    if n < floor:
        yield f"Deployment `{res.label}` must run ≥ {floor} replicas in an active region; got {n}"


POLICY = Rule(
    name="k8s-active-min-replicas",
    area="kubernetes",
    description="In an active region, every Deployment runs at least the organisation's minimum of replicas (default 2).",
    why="One replica means every pod, node or AZ failure (L1/L2) is an outage until Kubernetes reschedules it.",
    remediation="Raise `workloads.services.<name>.replicas.active` in Pulumi.yaml.",
    severity="high",
    tags=("kubernetes", "L1", "L2"),
    config={
        "minimumReplicas": {
            "type": "integer",
            "minimum": 1,
            "default": 2,
            "description": "Fewest replicas of a Deployment in an active region.",
        }
    },
    types=(DEPLOYMENT,),
    check=check,
)
