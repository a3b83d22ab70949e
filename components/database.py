"""GlobalDatabase: Aurora PostgreSQL as a global database, one instance per AZ.

The owner site (`database.globalClusterOwner`, normally primary) declares the
`GlobalCluster` and its writer cluster; the other site's cluster joins it through the
global cluster's identifier (read from the peer stack's outputs), without master
credentials. The flip (dr role active):

- `failover: detach` drops the secondary's `global_cluster_identifier`: the provider calls
  RemoveFromGlobalCluster and the cluster becomes a standalone writer -- a call made in the
  DR region only, so it works with the primary region gone;
- `failover: managed` keeps the topology: an `AuroraFailover` promotion
  (components/promotions) moves the writer by SwitchoverGlobalCluster, or
  FailoverGlobalCluster AllowDataLoss when the stack sets `allowDataLoss`.

Failback after a detach (README): the dr site becomes the owner of a new global cluster
created from its cluster, and the primary site's old writer is re-created as a secondary
(a declared replacement). Every ForceNew input is identical in both roles (design §6).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .common import Placement, child, stateful
from .promotions import AuroraFailover

ENGINE = "aurora-postgresql"
GLOBAL_CLUSTER_ID = "dtem-global"


@dataclass(frozen=True, kw_only=True)
class GlobalDatabaseArgs:
    placement: Placement
    """Site, region and role of the stack."""
    azs: list[str]
    """One instance per AZ (the first is the writer's preferred AZ)."""
    vpc_id: pulumi.Input[str]
    """VPC of the cluster."""
    vpc_cidr: str
    """Clients allowed on 5432 (the VPC's own range)."""
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets, one per AZ."""
    key_arn: pulumi.Input[str]
    """KMS key of this region (the multi-Region key or its replica)."""
    engine_version: str
    """Aurora PostgreSQL version."""
    instance_class: str
    """Instance class."""
    database_name: str
    """Initial database (primary site only; the global cluster carries it)."""
    master_username: str
    """Master user (primary site only; a secondary inherits it)."""
    master_password: pulumi.Input[str] | None = None
    """Master password (primary site only, secret); none."""
    backup_retention_days: int = 14
    """Automated backups kept: default 14."""
    preferred_backup_window: str = "03:00-04:00"
    """Backup window: default 03:00-04:00 UTC."""
    global_db_rpo_seconds: int | None = None
    """`rds.global_db_rpo` cluster parameter; unset."""
    global_cluster_id: pulumi.Input[str] | None = None
    """dr site: the global cluster to join (from the primary stack); none."""
    detached: bool = False
    """dr site: True once failed over by detach-and-promote (standalone writer): default False."""
    failover: str = "detach"
    """`detach` (the flip removes the dr cluster from the global cluster) or `managed`
    (an AuroraFailover promotion moves the writer by API): default detach."""
    global_cluster_owner: str = "primary"
    """Site whose stack declares the global cluster: `primary`, or `dr` after a detach
    failover's failback (README): default primary."""
    allow_data_loss: bool = False
    """Managed promotions use FailoverGlobalCluster AllowDataLoss (works with the writer's
    region down) instead of SwitchoverGlobalCluster (RPO 0, needs it up): default False."""


class GlobalDatabase(pulumi.ComponentResource):
    cluster_arn: pulumi.Output[str]
    cluster_identifier: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    reader_endpoint: pulumi.Output[str]
    global_cluster_id: pulumi.Output[str] | None

    def __init__(self, name: str, args: GlobalDatabaseArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dtem-dr:database:GlobalDatabase", name, None, opts)
        p = args.placement
        tags = p.tags("database")
        family = f"aurora-postgresql{args.engine_version.split('.')[0]}"

        subnet_group = aws.rds.SubnetGroup(
            f"{name}-subnets",
            name=f"dtem-db-{p.region}",
            subnet_ids=args.subnet_ids,
            tags=tags,
            opts=child(self),
        )
        sg = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description="DTEM Aurora: PostgreSQL from the VPC only",
            ingress=[aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=5432, to_port=5432, cidr_blocks=[args.vpc_cidr])],
            egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])],
            tags=tags,
            opts=child(self),
        )
        params = aws.rds.ClusterParameterGroup(
            f"{name}-params",
            name=f"dtem-db-{p.region}",
            family=family,
            description="DTEM Aurora cluster parameters",
            parameters=(
                [aws.rds.ClusterParameterGroupParameterArgs(name="rds.global_db_rpo", value=str(args.global_db_rpo_seconds))]
                if args.global_db_rpo_seconds is not None
                else []
            ),
            tags=tags,
            opts=child(self),
        )

        self.global_cluster_id = None
        common = dict(
            cluster_identifier=f"dtem-db-{p.region}",
            engine=ENGINE,
            engine_mode="provisioned",
            engine_version=args.engine_version,
            db_subnet_group_name=subnet_group.name,
            db_cluster_parameter_group_name=params.name,
            vpc_security_group_ids=[sg.id],
            storage_encrypted=True,
            kms_key_id=args.key_arn,
            backup_retention_period=args.backup_retention_days,
            preferred_backup_window=args.preferred_backup_window,
            copy_tags_to_snapshot=True,
            deletion_protection=True,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"dtem-db-{p.region}-final",
            enabled_cloudwatch_logs_exports=["postgresql"],
            iam_database_authentication_enabled=True,
            tags=tags,
        )
        owns = p.site == args.global_cluster_owner
        # Only a joined secondary can detach; the owner's own cluster is the global
        # cluster's source and moves the writer by API instead.
        detached = args.detached and not owns
        # Any member of a global cluster may be a secondary at some point (after a managed
        # failover, or re-created as one by a failback): AWS then sets its replication
        # source, and without this a later `up` would promote it by accident
        # (terraform-provider-aws PR #40921; design §4.5).
        may_follow = ["replicationSourceIdentifier"]
        if owns and p.is_primary:
            gc = aws.rds.GlobalCluster(
                f"{name}-global",
                global_cluster_identifier=GLOBAL_CLUSTER_ID,
                engine=ENGINE,
                engine_version=args.engine_version,
                database_name=args.database_name,
                storage_encrypted=True,
                deletion_protection=True,
                tags=tags,
                opts=stateful(self),
            )
            cluster = aws.rds.Cluster(
                f"{name}-cluster",
                global_cluster_identifier=gc.id,
                database_name=args.database_name,
                master_username=args.master_username,
                # Not manage_master_user_password: RDS refuses it for clusters of a global
                # database (Aurora User Guide, "rds-secrets-manager", limitations). The
                # password is the stack's secret, kept in Secrets Manager by Secrets.
                master_password=args.master_password,
                **common,
                opts=stateful(self, ignore_changes=may_follow) if args.failover == "managed" else stateful(self),
            )
            self.global_cluster_id = gc.id
        elif owns:
            # Failback, step 1 (README): the dr cluster, detached and promoted by the
            # failover, becomes the source of a new global cluster. The cluster cannot name
            # the global cluster it is the source of (a cycle); AWS fills the identifier in,
            # so it is ignored (terraform-provider-aws docs, aws_rds_global_cluster, "New
            # Global Cluster From Existing DB Cluster").
            cluster = aws.rds.Cluster(
                f"{name}-cluster",
                global_cluster_identifier=None,
                **common,
                opts=stateful(self, ignore_changes=["globalClusterIdentifier", *may_follow]),
            )
            gc = aws.rds.GlobalCluster(
                f"{name}-global",
                # Not the primary site's identifier: that global cluster still exists (with
                # the old writer) until the primary stack's failback `up` deletes it.
                global_cluster_identifier=f"{GLOBAL_CLUSTER_ID}-{p.site}",
                source_db_cluster_identifier=cluster.arn,
                deletion_protection=True,
                tags=tags,
                opts=stateful(self),
            )
            self.global_cluster_id = gc.id
        else:
            if args.global_cluster_id is None and not detached:
                raise ValueError(f"a {p.site}-site GlobalDatabase that joins a global cluster needs global_cluster_id")
            follower = dict(
                # Detach-and-promote: removing the identifier is the whole failover
                # (RemoveFromGlobalCluster). No master credentials, ever: master_username is
                # ForceNew, and a secondary inherits the primary's.
                global_cluster_identifier=None if detached else args.global_cluster_id,
                **common,
            )
            if p.is_primary:
                # Failback, step 1 (README): the old writer is re-created as a secondary of
                # the global cluster the dr site now owns. An existing cluster cannot move
                # to another global cluster ("existing RDS Clusters cannot be migrated
                # between existing RDS Global Clusters", terraform-provider-aws
                # resource_cluster.go, update), so the change is declared as the
                # replacement it is; the fixed identifier forces delete-before-replace.
                opts = stateful(
                    self,
                    ignore_changes=may_follow,
                    replace_on_changes=["globalClusterIdentifier"],
                    delete_before_replace=True,
                )
            else:
                opts = stateful(self, ignore_changes=may_follow)
            cluster = aws.rds.Cluster(f"{name}-cluster", **follower, opts=opts)
            gc = None

        instances = []
        for i, az in enumerate(args.azs):
            instances.append(
                aws.rds.ClusterInstance(
                    f"{name}-instance-{az}",
                    identifier=f"dtem-db-{az}",
                    cluster_identifier=cluster.id,
                    engine=ENGINE,
                    engine_version=args.engine_version,
                    instance_class=args.instance_class,
                    availability_zone=az,
                    # Tier 0 for the first AZ's instance, then 1, 2: a deterministic writer
                    # choice after an in-region failover (L1/L2).
                    promotion_tier=i,
                    publicly_accessible=False,
                    db_subnet_group_name=subnet_group.name,
                    performance_insights_enabled=True,
                    performance_insights_kms_key_id=args.key_arn,
                    auto_minor_version_upgrade=False,
                    copy_tags_to_snapshot=True,
                    tags={**tags, "dtem:az": az},
                    # The failback re-creates the cluster under the same identifier: its
                    # instances (fixed identifiers too) must go first.
                    opts=stateful(self, delete_before_replace=True) if (p.is_primary and not owns) else stateful(self),
                )
            )

        # Managed promotion (design §5): the writer moves by API call, the global cluster
        # stays. Needed wherever this cluster must become the writer without detaching:
        # `failover: managed`, and both sites once the dr site owns the global cluster (its
        # own member cannot detach declaratively; the primary site returns by switchover).
        self.promotion = None
        if (args.failover == "managed" or args.global_cluster_owner == "dr") and not detached:
            self.promotion = AuroraFailover(
                f"{name}-promotion",
                region=p.region,
                promote=p.active,
                mode="failover" if args.allow_data_loss else "switchover",
                global_cluster_identifier=gc.id if gc is not None else args.global_cluster_id,
                cluster_arn=cluster.arn,
                opts=child(self, depends_on=instances),
            )

        self.cluster_arn = cluster.arn
        self.cluster_identifier = cluster.cluster_identifier
        self.endpoint = cluster.endpoint
        self.reader_endpoint = cluster.reader_endpoint
        self.register_outputs(
            {
                "cluster_arn": self.cluster_arn,
                "cluster_identifier": self.cluster_identifier,
                "endpoint": self.endpoint,
                "reader_endpoint": self.reader_endpoint,
                "global_cluster_id": self.global_cluster_id,
            }
        )
