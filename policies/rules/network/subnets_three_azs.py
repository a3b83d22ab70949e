"""The VPC's subnets span at least three AZs."""

from ...resources import SUBNET
from ..base import Finding, NotApplicable, Rule, computed, is_unknown


def check(ix, ctx, cfg):
    floor = int(cfg["minimumZones"])
    subnets = ix.of_type(SUBNET)
    if not subnets:
        raise NotApplicable("no subnet in this stack")
    azs = [s.get("availabilityZone") for s in subnets]
    if all(is_unknown(a) for a in azs):
        raise computed("availabilityZone")
    known = sorted({a for a in azs if isinstance(a, str)})
    unpinned = sum(1 for a in azs if a is None)
    if len(known) >= floor:
        return
    got = f"{len(known)} ({', '.join(known)})" if known else "0"
    if unpinned:
        got += f" and {unpinned} subnet(s) without availabilityZone (AWS picks one)"
    yield Finding(f"subnets must span ≥ {floor} AZs; got {got}")


POLICY = Rule(
    name="network-subnets-three-azs",
    area="network",
    description="The stack's subnets span at least three availability zones (configurable).",
    why="Everything zonal (database instances, cache nodes, node groups, brokers) is placed in these subnets: "
    "fewer AZs than three and losing one AZ (L2) takes half the capacity or more.",
    remediation="Keep `topology.availabilityZones` ≥ 3 and one public and one private subnet per AZ (components/network.py).",
    severity="high",
    tags=("network", "L2"),
    config={
        "minimumZones": {"type": "integer", "minimum": 2, "default": 3, "description": "Fewest AZs the subnets must span."}
    },
    stack=True,
    check=check,
)
