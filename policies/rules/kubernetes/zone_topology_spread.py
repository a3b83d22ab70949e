"""Deployments spread their pods over zones."""

from collections.abc import Mapping

from ...resources import DEPLOYMENT
from ..base import Rule, need
from ._pods import ZONE_KEY


def check(res, ctx, cfg):
    constraints = need(res, "spec", "template", "spec", "topologySpreadConstraints") or []
    keys = [c.get("topologyKey") for c in constraints if isinstance(c, Mapping)]
    if ZONE_KEY in keys:
        return
    got = "none" if not keys else "constraints on " + ", ".join(str(k) for k in keys) + " only"
    yield f"Deployment `{res.label}` must spread its pods over zones (topologySpreadConstraints on {ZONE_KEY}); got {got}"


POLICY = Rule(
    name="k8s-zone-topology-spread",
    area="kubernetes",
    description=f"Every Deployment's pod template has a topology spread constraint on {ZONE_KEY}.",
    why="Without it the scheduler may put every replica in one AZ, and losing that AZ (L2) is an outage however many replicas run.",
    remediation="Add `topology_spread_constraints=[TopologySpreadConstraintArgs(max_skew=1, topology_key="
    "'topology.kubernetes.io/zone', when_unsatisfiable='ScheduleAnyway', label_selector=...)]`.",
    severity="medium",
    tags=("kubernetes", "L2"),
    types=(DEPLOYMENT,),
    check=check,
)
