"""Cache: the Redis/Valkey replication group of one region.

In-region: a node per AZ, multi-AZ with automatic failover (L1/L2), encrypted in transit
and at rest, daily snapshots. Cross-region by strategy: `global-datastore` (the dr group
is a secondary of a global replication group owned by the primary site; replication lag
generally < 1 s, ElastiCache guide "Redis-Global-Datastore") or `rebuild` (the dr region
creates its group only when it becomes active, empty or seeded from the configured
snapshot). The flip promotes a global-datastore secondary with a `CachePromotion`
(FailoverGlobalReplicationGroup, components/promotions).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .common import Placement, child, stateful
from .promotions import CachePromotion


@dataclass(frozen=True, kw_only=True)
class CacheArgs:
    placement: Placement
    """Site, region and role of the stack."""
    strategy: str
    """`global-datastore` or `rebuild`."""
    azs: list[str]
    """One node per AZ; the first holds the primary node."""
    vpc_id: pulumi.Input[str]
    """VPC of the group."""
    vpc_cidr: str
    """Clients allowed on 6379 (the VPC's own range)."""
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets, one per AZ."""
    key_arn: pulumi.Input[str]
    """KMS key of this region."""
    engine: str
    """`redis` or `valkey`."""
    engine_version: str
    """Engine version."""
    node_type: str
    """Node type."""
    snapshot_retention_days: int = 7
    """Daily snapshots kept: default 7."""
    snapshot_window: str = "04:00-05:00"
    """Snapshot window: default 04:00-05:00 UTC."""
    restore_snapshot: str | None = None
    """rebuild: what the dr group is seeded from when the flip creates it -- a snapshot name
    in the dr region, or the S3 ARN of an exported .rdb file; none (empty cache)."""
    global_replication_group_id: pulumi.Input[str] | None = None
    """dr site, global-datastore: the global group to join (from the primary stack); none."""


class Cache(pulumi.ComponentResource):
    replication_group_id: pulumi.Output[str] | None
    endpoint: pulumi.Output[str] | None
    global_replication_group_id: pulumi.Output[str] | None

    def __init__(self, name: str, args: CacheArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dtem-dr:cache:Cache", name, None, opts)
        p = args.placement
        tags = p.tags("cache")
        self.replication_group_id = None
        self.endpoint = None
        self.global_replication_group_id = None
        self.promotion = None

        # rebuild: a standby dr region holds no cache at all; the flip creates it.
        builds_group = p.is_primary or args.strategy == "global-datastore" or p.active
        if builds_group:
            subnet_group = aws.elasticache.SubnetGroup(
                f"{name}-subnets",
                name=f"dtem-cache-{p.region}",
                description="DTEM cache subnets, one per AZ",
                subnet_ids=args.subnet_ids,
                tags=tags,
                opts=child(self),
            )
            sg = aws.ec2.SecurityGroup(
                f"{name}-sg",
                vpc_id=args.vpc_id,
                description="DTEM cache: Redis from the VPC only",
                ingress=[aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=6379, to_port=6379, cidr_blocks=[args.vpc_cidr])],
                egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])],
                tags=tags,
                opts=child(self),
            )
            secondary = not p.is_primary and args.strategy == "global-datastore"
            # rebuild: the flip creates the dr group seeded from the configured snapshot --
            # a snapshot name in this region, or the S3 ARN of an exported .rdb (e.g. in the
            # replicated files bucket); without one it starts empty.
            rebuilt = not p.is_primary and args.strategy == "rebuild"
            seed = args.restore_snapshot if rebuilt else None
            if secondary and args.global_replication_group_id is None:
                raise ValueError("a dr-site global-datastore Cache needs global_replication_group_id")
            group = aws.elasticache.ReplicationGroup(
                f"{name}-group",
                replication_group_id=f"dtem-cache-{p.region}",
                description=f"DTEM cache ({p.site} site)",
                # A secondary inherits engine, version and node type from the global group;
                # setting them is refused by the API.
                engine=None if secondary else args.engine,
                engine_version=None if secondary else args.engine_version,
                node_type=None if secondary else args.node_type,
                global_replication_group_id=args.global_replication_group_id if secondary else None,
                num_cache_clusters=len(args.azs),
                preferred_cache_cluster_azs=args.azs,
                multi_az_enabled=True,
                automatic_failover_enabled=True,
                at_rest_encryption_enabled=True,
                transit_encryption_enabled=True,
                kms_key_id=args.key_arn,
                snapshot_retention_limit=args.snapshot_retention_days,
                snapshot_window=args.snapshot_window,
                snapshot_name=seed if (seed and not seed.startswith("arn:")) else None,
                snapshot_arns=[seed] if (seed and seed.startswith("arn:")) else None,
                final_snapshot_identifier=f"dtem-cache-{p.region}-final",
                subnet_group_name=subnet_group.name,
                security_group_ids=[sg.id],
                auto_minor_version_upgrade=True,
                tags=tags,
                # The seed is read once, at creation; both inputs are ForceNew, and the
                # configured snapshot rotates (a newer one, or none once rotated out):
                # without this, changing it later would replace the live cache.
                opts=stateful(self, ignore_changes=["snapshotName", "snapshotArns"]) if rebuilt else stateful(self),
            )
            self.replication_group_id = group.id
            self.endpoint = group.primary_endpoint_address
            if p.is_primary and args.strategy == "global-datastore":
                glob = aws.elasticache.GlobalReplicationGroup(
                    f"{name}-global",
                    global_replication_group_id_suffix="dtem",
                    global_replication_group_description="DTEM cache, primary + dr",
                    primary_replication_group_id=group.id,
                    # After a promotion the provider reads the primary member back from
                    # AWS (whichever region is primary now) and the property is ForceNew:
                    # without this the next `up` would replace the global datastore
                    # (terraform-provider-aws issue #46121; design §5).
                    opts=stateful(self, ignore_changes=["primaryReplicationGroupId"]),
                )
                self.global_replication_group_id = glob.global_replication_group_id
            if args.strategy == "global-datastore":
                # Both sites: the dr site's promotes its member at the flip; the primary
                # site's takes the primary role back when it returns to active (failback).
                self.promotion = CachePromotion(
                    f"{name}-promotion",
                    region=p.region,
                    promote=p.active,
                    global_replication_group_id=(
                        self.global_replication_group_id if p.is_primary else args.global_replication_group_id
                    ),
                    replication_group_id=group.id,
                    opts=child(self),
                )
        self.register_outputs(
            {
                "replication_group_id": self.replication_group_id,
                "endpoint": self.endpoint,
                "global_replication_group_id": self.global_replication_group_id,
            }
        )
