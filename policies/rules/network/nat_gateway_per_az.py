"""A NAT gateway in each of at least three AZs."""

from ...resources import NAT_GATEWAY, SUBNET
from ..base import Finding, Rule, computed, is_unknown


def check(ix, ctx, cfg):
    floor = int(cfg["minimumZones"])
    nats = ix.of_type(NAT_GATEWAY)
    if not nats:
        yield Finding(f"NAT gateways must be in ≥ {floor} AZs (one per AZ); got none")
        return
    subnets = ix.of_type(SUBNET)
    zones, unknown = set(), 0
    for nat in nats:
        subnet = next((s for s in subnets if ix.refers(nat, "subnetId", s)), None)
        az = subnet.get("availabilityZone") if subnet is not None else None
        if subnet is None and is_unknown(nat.get("subnetId")):
            unknown += 1
        elif is_unknown(az):
            unknown += 1
        elif isinstance(az, str):
            zones.add(az)
    if unknown == len(nats):
        raise computed("subnetId")
    if len(zones) >= floor:
        return
    got = f"{len(zones)} ({', '.join(sorted(zones))})" if zones else "0 resolvable"
    yield Finding(
        f"NAT gateways must be in ≥ {floor} AZs (one per AZ, so losing an AZ does not cut the others' egress); got {got}"
    )


POLICY = Rule(
    name="network-nat-gateway-per-az",
    area="network",
    description="NAT gateways sit in at least three AZs (configurable), one per AZ.",
    why="A NAT gateway is zonal: with a single one, losing its AZ (L2) cuts the egress of the private subnets in every "
    "other AZ -- pulling images, calling AWS APIs, replicating.",
    remediation="One NAT gateway per AZ, each private route table pointing at its own AZ's gateway (components/network.py).",
    severity="high",
    tags=("network", "L2"),
    config={
        "minimumZones": {"type": "integer", "minimum": 2, "default": 3, "description": "Fewest AZs with a NAT gateway."}
    },
    stack=True,
    check=check,
)
