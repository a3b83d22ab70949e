"""GlobalDatabase: Aurora PostgreSQL as a global database, one instance per AZ.

Primary site: the `GlobalCluster` and its writer cluster. dr site: a secondary cluster
joined through the global cluster's identifier (read from the primary stack's outputs),
without master credentials. The flip (role active, failover `detach`) drops the
secondary's `global_cluster_identifier`: the provider calls RemoveFromGlobalCluster and the
cluster becomes a standalone writer -- a call made in the DR region only, so it works with
the primary region gone. Every ForceNew input is identical in both roles (design §6).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .common import Placement, child, stateful

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
        if p.is_primary:
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
                opts=stateful(self),
            )
            self.global_cluster_id = gc.id
        else:
            if args.global_cluster_id is None and not args.detached:
                raise ValueError("a dr-site GlobalDatabase in standby needs global_cluster_id")
            cluster = aws.rds.Cluster(
                f"{name}-cluster",
                # Detach-and-promote: removing the identifier is the whole failover
                # (RemoveFromGlobalCluster). No master credentials, ever: master_username is
                # ForceNew, and a secondary inherits the primary's.
                global_cluster_identifier=None if args.detached else args.global_cluster_id,
                **common,
                # Without this, a later `up` would promote the secondary by accident
                # (terraform-provider-aws PR #40921; design §4.5).
                opts=stateful(self, ignore_changes=["replicationSourceIdentifier"]),
            )

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
                    opts=stateful(self),
                )
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
