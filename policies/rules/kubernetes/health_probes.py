"""Every container has readiness and liveness probes."""

from ...resources import DEPLOYMENT
from ..base import Rule
from ._pods import containers


def check(res, ctx, cfg):
    for c in containers(res):
        missing = [p for p in ("readinessProbe", "livenessProbe") if not c.get(p)]
        if missing:
            yield f"Deployment `{res.label}` container `{c.get('name', '?')}` must have readiness and liveness probes; missing {' and '.join(missing)}"


POLICY = Rule(
    name="k8s-health-probes",
    area="kubernetes",
    description="Every container of every Deployment has a readiness probe and a liveness probe.",
    why="Readiness keeps traffic off a pod that cannot serve (a failover in progress behind it); liveness restarts a "
    "stuck one (L1). Route 53 only sees the load balancer, which only sees ready pods.",
    remediation="Add `readiness_probe` and `liveness_probe` (HTTP on the health path) to each container.",
    severity="medium",
    tags=("kubernetes", "L1"),
    types=(DEPLOYMENT,),
    check=check,
)
