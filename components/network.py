"""Network: a VPC over three AZs with public and private subnets and a NAT gateway per AZ.

One NAT gateway per AZ so that losing an AZ (L2) does not cut the other AZs' egress; the
private route table of each AZ points at its own AZ's NAT gateway.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .common import Placement, child


@dataclass(frozen=True, kw_only=True)
class NetworkArgs:
    placement: Placement
    """Site, region and role of the stack."""
    cidr: str
    """VPC CIDR (a /20 or larger)."""
    azs: list[str]
    """Availability zones, looked up in the region (at least 3)."""


class Network(pulumi.ComponentResource):
    vpc_id: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dtem-dr:network:Network", name, None, opts)
        p = args.placement
        tags = p.tags("network")
        # Carve 2 subnets per AZ out of the VPC range: public /24-ish first, private after.
        net = ipaddress.ip_network(args.cidr)
        blocks = list(net.subnets(new_prefix=min(net.prefixlen + 4, 28)))
        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={**tags, "Name": f"dtem-{p.region}"},
            opts=child(self),
        )
        igw = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=vpc.id, tags=tags, opts=child(self)
        )
        public_rt = aws.ec2.RouteTable(
            f"{name}-public-rt",
            vpc_id=vpc.id,
            routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)],
            tags={**tags, "Name": f"dtem-{p.region}-public"},
            opts=child(self),
        )
        public_ids, private_ids = [], []
        for i, az in enumerate(args.azs):
            public = aws.ec2.Subnet(
                f"{name}-public-{az}",
                vpc_id=vpc.id,
                availability_zone=az,
                cidr_block=str(blocks[i]),
                map_public_ip_on_launch=False,
                tags={**tags, "Name": f"dtem-{az}-public", "kubernetes.io/role/elb": "1"},
                opts=child(self),
            )
            private = aws.ec2.Subnet(
                f"{name}-private-{az}",
                vpc_id=vpc.id,
                availability_zone=az,
                cidr_block=str(blocks[len(args.azs) + i]),
                tags={**tags, "Name": f"dtem-{az}-private", "kubernetes.io/role/internal-elb": "1"},
                opts=child(self),
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{az}", subnet_id=public.id, route_table_id=public_rt.id, opts=child(self)
            )
            eip = aws.ec2.Eip(f"{name}-nat-{az}", domain="vpc", tags=tags, opts=child(self))
            nat = aws.ec2.NatGateway(
                f"{name}-nat-{az}",
                allocation_id=eip.id,
                subnet_id=public.id,
                connectivity_type="public",
                tags={**tags, "Name": f"dtem-{az}-nat"},
                opts=child(self, depends_on=[igw]),
            )
            private_rt = aws.ec2.RouteTable(
                f"{name}-private-rt-{az}",
                vpc_id=vpc.id,
                routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)],
                tags={**tags, "Name": f"dtem-{az}-private"},
                opts=child(self),
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{az}", subnet_id=private.id, route_table_id=private_rt.id, opts=child(self)
            )
            public_ids.append(public.id)
            private_ids.append(private.id)

        self.vpc_id = vpc.id
        self.vpc_cidr = args.cidr
        self.public_subnet_ids = pulumi.Output.all(*public_ids)
        self.private_subnet_ids = pulumi.Output.all(*private_ids)
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "public_subnet_ids": self.public_subnet_ids,
                "private_subnet_ids": self.private_subnet_ids,
            }
        )
