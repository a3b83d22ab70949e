"""RegionalTopology: everything one stack builds in its region, from the validated config.

The composition decides *which* components exist for the stack's site and role and wires
them together; each component decides *how* its resources look. Cross-region values come
only from the peer stack's outputs (`peer`), never from the peer region's APIs.
"""

from __future__ import annotations

import json
import re

import pulumi
import pulumi_aws as aws

from .backup import CrossRegionBackup, CrossRegionBackupArgs
from .cache import Cache, CacheArgs
from .cluster import KubernetesCluster, KubernetesClusterArgs
from .common import Placement
from .config import StackConfig
from .database import GlobalDatabase, GlobalDatabaseArgs
from .keys import RegionalKey, RegionalKeyArgs
from .network import Network, NetworkArgs
from .object_store import ObjectStore, ObjectStoreArgs
from .peer import PeerOutputs
from .queue import MessageQueue, MessageQueueArgs
from .registry import ImageRegistry, ImageRegistryArgs
from .secrets import Secrets, SecretsArgs
from .traffic import Traffic, TrafficArgs
from .workloads import ServiceArgs, Workloads, WorkloadsArgs


# `<account>.dkr.ecr.{region}.amazonaws.com/<prefix>`: a per-region ECR registry this
# project owns (and replicates); any other repository is used as given.
_ECR_TEMPLATE = re.compile(r"^(\d{12})\.dkr\.ecr\.\{region\}\.amazonaws\.com/(.+)$")


class RegionalTopology(pulumi.ComponentResource):
    """All of one region's DR topology. `exports` holds what the peer stack and the
    operators need (endpoints, ARNs, ids)."""

    exports: dict[str, pulumi.Input]

    def __init__(
        self,
        name: str,
        cfg: StackConfig,
        *,
        azs: list[str],
        peer: PeerOutputs | None,
        secrets: dict[str, pulumi.Input[str]],
        zone_id: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__("dtem-dr:region:RegionalTopology", name, None, opts)
        t = cfg.topology
        place = Placement(
            project=pulumi.get_project(),
            stack=cfg.stack,
            site=cfg.site,
            region=cfg.region,
            peer_region=cfg.peer_region,
            role=cfg.role,
        )
        primary = place.is_primary
        wired = peer is not None
        sub = pulumi.ResourceOptions(parent=self)
        need = peer.require if peer is not None else None

        key = RegionalKey(
            "key",
            RegionalKeyArgs(placement=place, primary_key_arn=None if primary else need("kmsKeyArn")),
            opts=sub,
        )
        net = Network("network", NetworkArgs(placement=place, cidr=t.network.cidrs[cfg.region], azs=azs), opts=sub)
        nodes = t.kubernetes.nodes_per_az
        eks = KubernetesCluster(
            "kubernetes",
            KubernetesClusterArgs(
                placement=place,
                version=t.kubernetes.version,
                azs=azs,
                private_subnet_ids=net.private_subnet_ids,
                public_subnet_ids=net.public_subnet_ids,
                instance_types=t.kubernetes.instance_types,
                nodes_per_az=nodes.active if place.active else nodes.standby,
                max_nodes_per_az=nodes.active * 2,
                key_arn=key.key_arn,
            ),
            opts=sub,
        )
        db_spec = t.database
        db = GlobalDatabase(
            "database",
            GlobalDatabaseArgs(
                placement=place,
                azs=azs,
                vpc_id=net.vpc_id,
                vpc_cidr=net.vpc_cidr,
                subnet_ids=net.private_subnet_ids,
                key_arn=key.key_arn,
                engine_version=db_spec.engine_version,
                instance_class=db_spec.instance_class,
                database_name=db_spec.database_name,
                master_username=db_spec.master_username,
                master_password=secrets["dbPassword"] if primary else None,
                backup_retention_days=db_spec.backup_retention_days,
                preferred_backup_window=db_spec.preferred_backup_window,
                global_db_rpo_seconds=db_spec.global_db_rpo,
                global_cluster_id=None if db_spec.global_cluster_owner == cfg.site else need("globalClusterId"),
                detached=(not primary) and place.active and db_spec.failover == "detach",
                failover=db_spec.failover,
                global_cluster_owner=db_spec.global_cluster_owner,
                allow_data_loss=cfg.allow_data_loss,
            ),
            opts=sub,
        )
        files = ObjectStore(
            "object-store",
            ObjectStoreArgs(
                placement=place,
                bucket_name=f"{t.object_store.bucket_prefix}-{cfg.region}",
                key_arn=key.key_arn,
                noncurrent_version_days=t.object_store.noncurrent_version_days,
                replication_time_control=t.object_store.replication_time_control,
                peer_bucket_arn=need("bucketArn") if wired else None,
                peer_key_arn=need("kmsKeyArn") if wired else None,
            ),
            opts=sub,
        )
        backup = CrossRegionBackup(
            "backup",
            CrossRegionBackupArgs(
                placement=place,
                key_arn=key.key_arn,
                resources=[db.cluster_arn, files.bucket_arn],
                schedule=db_spec.backup_copy.schedule,
                retention_days=db_spec.backup_copy.retention_days,
                peer_vault_arn=need("backupVaultArn") if wired else None,
            ),
            opts=sub,
        )
        c = t.cache
        cache = Cache(
            "cache",
            CacheArgs(
                placement=place,
                strategy=c.strategy,
                azs=azs,
                vpc_id=net.vpc_id,
                vpc_cidr=net.vpc_cidr,
                subnet_ids=net.private_subnet_ids,
                key_arn=key.key_arn,
                engine=c.engine,
                engine_version=c.engine_version,
                node_type=c.node_type,
                snapshot_retention_days=c.snapshot_retention_days,
                snapshot_window=c.snapshot_window,
                restore_snapshot=c.restore_snapshot,
                global_replication_group_id=(
                    need("globalReplicationGroupId") if (not primary and c.strategy == "global-datastore") else None
                ),
            ),
            opts=sub,
        )
        q = t.queue
        queue = MessageQueue(
            "queue",
            MessageQueueArgs(
                placement=place,
                vpc_id=net.vpc_id,
                vpc_cidr=net.vpc_cidr,
                subnet_ids=net.private_subnet_ids,
                key_arn=key.key_arn,
                engine_version=q.engine_version,
                instance_type=q.instance_type,
                username=q.username,
                password=secrets["mqPassword"],
                replication_username=q.replication_username,
                replication_password=secrets["mqReplicationPassword"],
                primary_broker_arn=None if primary else need("brokerArn"),
                allow_data_loss=cfg.allow_data_loss,
            ),
            opts=sub,
        )
        k8s_opts = pulumi.ResourceOptions(parent=self, providers={"kubernetes": eks.provider})
        w = t.workloads
        endpoints = {
            "DTEM_DB_ENDPOINT": db.endpoint,
            "DTEM_DB_READER_ENDPOINT": db.reader_endpoint,
            "DTEM_DB_NAME": db_spec.database_name,
            "DTEM_BROKER_ID": queue.broker_id,
            "DTEM_FILES_BUCKET": files.bucket_name,
        }
        if cache.endpoint is not None:
            endpoints["DTEM_CACHE_ENDPOINT"] = cache.endpoint
        app_secrets = Secrets(
            "secrets",
            SecretsArgs(
                placement=place,
                key_id=key.key_id,
                namespace=w.namespace,
                endpoints=endpoints,
                secret_values={
                    "app-database": pulumi.Output.secret(secrets["dbPassword"]).apply(
                        lambda pw: json.dumps({"username": db_spec.master_username, "password": pw, "dbname": db_spec.database_name})
                    ),
                    "app-broker": pulumi.Output.secret(secrets["mqPassword"]).apply(
                        lambda pw: json.dumps({"username": q.username, "password": pw})
                    ),
                }
                if primary
                else {},
                replicate=wired,
                recovery_window_days=t.secrets.recovery_window_days,
            ),
            opts=k8s_opts,
        )
        repository = w.image_repository.replace("{region}", cfg.region)
        ecr = _ECR_TEMPLATE.match(w.image_repository)
        if primary and ecr:
            ImageRegistry(
                "registry",
                ImageRegistryArgs(placement=place, prefix=ecr.group(2), services=sorted(w.services), key_arn=key.key_arn),
                opts=sub,
            )
        apps = Workloads(
            "workloads",
            WorkloadsArgs(
                placement=place,
                namespace=w.namespace,
                liveness_path=w.health_paths["liveness"],
                readiness_path=w.health_paths["readiness"],
                services=[
                    ServiceArgs(
                        name=svc_name,
                        image=svc.image or f"{repository}/{svc_name}:{w.image_tag}",
                        port=svc.port,
                        replicas=svc.replicas.active if place.active else svc.replicas.standby,
                        public=svc.public,
                        cpu=svc.cpu,
                        memory=svc.memory,
                    )
                    for svc_name, svc in sorted(w.services.items())
                ],
            ),
            opts=pulumi.ResourceOptions(parent=self, providers={"kubernetes": eks.provider}, depends_on=[app_secrets]),
        )
        health_ids = None
        if primary:
            traffic = Traffic(
                "traffic",
                TrafficArgs(
                    placement=place,
                    zone_id=zone_id,
                    zone=t.dns.zone,
                    records=t.dns.records,
                    primary_endpoints=apps.public_endpoint_outputs,
                    dr_endpoints=need("publicEndpoints") if wired else None,
                    ttl=t.dns.ttl,
                    health_path=t.dns.health_check.path,
                    request_interval=t.dns.health_check.request_interval,
                    failure_threshold=t.dns.health_check.failure_threshold,
                    fence_primary=not place.active,
                    wait_for=[r for r in (db.promotion, cache.promotion, queue.promotion) if r is not None],
                ),
                opts=sub,
            )
            health_ids = traffic.health_check_ids

        self.exports = {
            "site": place.site,
            "region": place.region,
            "role": place.role,
            "availabilityZones": azs,
            "kmsKeyArn": key.key_arn,
            "kmsKeyId": key.key_id,
            "vpcId": net.vpc_id,
            "eksClusterName": eks.cluster_name,
            "eksEndpoint": eks.endpoint,
            "dbClusterArn": db.cluster_arn,
            "dbClusterIdentifier": db.cluster_identifier,
            "dbEndpoint": db.endpoint,
            "dbReaderEndpoint": db.reader_endpoint,
            "bucketName": files.bucket_name,
            "bucketArn": files.bucket_arn,
            "backupVaultArn": backup.vault_arn,
            "brokerArn": queue.broker_arn,
            "brokerId": queue.broker_id,
            "publicEndpoints": apps.public_endpoints,
        }
        if db.global_cluster_id is not None:
            self.exports["globalClusterId"] = db.global_cluster_id
        if cache.replication_group_id is not None:
            self.exports["cacheReplicationGroupId"] = cache.replication_group_id
            self.exports["cacheEndpoint"] = cache.endpoint
        if cache.global_replication_group_id is not None:
            self.exports["globalReplicationGroupId"] = cache.global_replication_group_id
        if primary:
            self.exports["secretArns"] = app_secrets.secret_arns
            self.exports["healthCheckIds"] = health_ids
        self.register_outputs({})
