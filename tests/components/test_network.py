"""components/network.py: a VPC over N AZs, public + private subnet and a NAT gateway per AZ."""

from __future__ import annotations

import ipaddress

import pytest

from components.network import Network, NetworkArgs
from tests.components.harness import build
from tests.support import by_id


def _network(cidr, azs):
    def make(place, opts):
        net = Network("network", NetworkArgs(placement=place, cidr=cidr, azs=azs), opts=opts)
        return {"vpc": net.vpc_id, "public": net.public_subnet_ids, "private": net.private_subnet_ids}

    return make


@pytest.mark.parametrize(
    ("cidr", "azs", "prefix"),
    [
        ("10.10.0.0/16", ["us-east-1a", "us-east-1b", "us-east-1c"], 20),
        ("10.30.0.0/20", ["us-east-1a", "us-east-1b", "us-east-1c"], 24),
        ("10.40.0.0/16", ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"], 20),
    ],
)
def test_subnets_nat_and_routes_per_az(cidr, azs, prefix):
    cap = build(_network(cidr, azs))
    n = len(azs)
    counts = {t.split(":")[-1]: len(cap.of_type(t)) for t in {r.type for r in cap.custom()}}
    assert counts == {
        "Vpc": 1,
        "InternetGateway": 1,
        "Subnet": 2 * n,
        "Eip": n,
        "NatGateway": n,
        "RouteTable": n + 1,
        "RouteTableAssociation": 2 * n,
    }
    subnets = cap.of_type("aws:ec2/subnet:Subnet")
    nets = [ipaddress.ip_network(s.inputs["cidrBlock"]) for s in subnets]
    assert {net.prefixlen for net in nets} == {prefix}
    assert all(net.subnet_of(ipaddress.ip_network(cidr)) for net in nets)
    assert len(set(nets)) == len(nets)
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets if "-public-" in s.name)
    assert len(cap.exports["public"]) == len(cap.exports["private"]) == n

    ids = by_id(cap)
    nat_az = {nat.id: ids[nat.inputs["subnetId"]].inputs["availabilityZone"] for nat in cap.of_type("aws:ec2/natGateway:NatGateway")}
    assert sorted(nat_az.values()) == sorted(azs)
    tables = {t.id: t for t in cap.of_type("aws:ec2/routeTable:RouteTable")}
    private_routes = {}
    for assoc in cap.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation"):
        subnet = ids[assoc.inputs["subnetId"]]
        (route,) = tables[assoc.inputs["routeTableId"]].inputs["routes"]
        if "-public-" in subnet.name:
            assert "gatewayId" in route and "natGatewayId" not in route
        else:
            private_routes[subnet.inputs["availabilityZone"]] = nat_az[route["natGatewayId"]]
    # Losing an AZ must not cut the others' egress: each AZ routes through its own NAT.
    assert private_routes == {az: az for az in azs}


def test_subnets_are_tagged_for_load_balancers():
    cap = build(_network("10.10.0.0/16", ["us-east-1a", "us-east-1b", "us-east-1c"]))
    for subnet in cap.of_type("aws:ec2/subnet:Subnet"):
        role = "kubernetes.io/role/elb" if "-public-" in subnet.name else "kubernetes.io/role/internal-elb"
        assert subnet.inputs["tags"][role] == "1"
