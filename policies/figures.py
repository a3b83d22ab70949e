"""Documented AWS figures behind every RTO/RPO estimate, each with its source.

One table, read by the policy pack's estimate and by drctl's failover plan, so a figure is
stated once. Where AWS publishes no number the entry says so (`published=False`) and the
value comes from the topology's `assumptions` (configurable), never invented precision.
Values are seconds. Sources are the design notes' §7 (shared/design.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    key: str
    seconds: float | None
    """The figure; None = unbounded / no figure."""
    summary: str
    source: str
    published: bool = True
    """False: AWS publishes no number; the value is a stated, configurable assumption."""
    assumption_key: str | None = None
    """`topology.assumptions.<key>` that overrides the value (unpublished figures)."""

    def label(self) -> str:
        return self.source if self.published else f"assumption `{self.assumption_key}` ({self.source})"


FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        # Aurora
        Figure(
            "aurora.global.lag",
            1,
            "Aurora Global Database replication lag, typically under 1 s; bounded only by rds.global_db_rpo",
            "AWS Prescriptive Guidance 'aurora-replication-options/aurora-global-database'",
        ),
        Figure(
            "aurora.global.managed_failover",
            60,
            "Aurora Global Database managed failover: 'in the order of minutes' (AWS DR workshop: ~1 min)",
            "Aurora User Guide 'aurora-global-database-disaster-recovery'; AWS DR workshop",
        ),
        Figure(
            "aurora.global.detach_promote",
            300,
            "Aurora detach-and-promote of a secondary cluster (RemoveFromGlobalCluster): minutes",
            "Aurora User Guide 'aurora-global-database-disaster-recovery'",
        ),
        Figure(
            "aurora.global.switchover_rpo",
            0,
            "Aurora Global Database switchover (planned): RPO 0",
            "Aurora User Guide 'aurora-global-database-disaster-recovery'",
        ),
        Figure(
            "aurora.inregion.rpo",
            0,
            "Aurora storage: six copies over three AZs, RPO 0 for an instance or AZ loss",
            "Aurora User Guide 'Concepts.AuroraHighAvailability'",
        ),
        Figure(
            "aurora.inregion.failover",
            120,
            "Aurora failover to a replica in the region: typically under 1-2 minutes",
            "Aurora User Guide 'Concepts.AuroraHighAvailability'",
        ),
        Figure(
            "aurora.recreate_instance",
            600,
            "Aurora cluster without a reader in another AZ: the writer is recreated (or, for an AZ outage, an "
            "instance must be created in another AZ); 'typically takes less than 10 minutes'",
            "Aurora User Guide 'Concepts.AuroraHighAvailability' (fault tolerance for an Aurora DB cluster)",
        ),
        Figure(
            "aurora.pitr",
            300,
            "Aurora point-in-time restore: the latest restorable time is 'typically within 5 minutes of the current time'",
            "Aurora User Guide 'Aurora.Managing.Backups'",
        ),
        Figure(
            "aurora.restore_snapshot",
            3600,
            "Aurora restore of a cluster from a copied snapshot (size-dependent)",
            "Aurora User Guide 'aurora-restore-snapshot': no published duration",
            published=False,
            assumption_key="backupRestoreTime",
        ),
        # S3
        Figure(
            "s3.rtc",
            900,
            "S3 Replication Time Control: 99.99 % of objects within 15 minutes (SLA credit below 99.9 %; delete markers outside the SLA)",
            "S3 User Guide 'replication-time-control'; S3 RTC SLA",
        ),
        Figure(
            "s3.crr_no_rtc",
            None,
            "S3 cross-region replication without RTC: most objects in seconds, no bound",
            "S3 User Guide 'replication'",
        ),
        Figure(
            "s3.inregion.rpo",
            0,
            "S3 stores objects redundantly over at least three AZs: RPO 0 for an AZ loss",
            "S3 User Guide 'DataDurability'",
        ),
        Figure(
            "s3.versioning",
            0,
            "S3 Versioning keeps every version of every object: an overwritten or deleted object is restored from its previous version",
            "S3 User Guide 'Versioning'",
        ),
        Figure(
            "s3.replica_in_place",
            0,
            "S3 cross-region replicas are already in the destination bucket: nothing to restore",
            "S3 User Guide 'replication'",
        ),
        Figure(
            "s3.restore_versions",
            3600,
            "Restoring objects from their previous versions (or a backup recovery point): no published duration",
            "S3 User Guide 'RestoringPreviousVersions': no published duration",
            published=False,
            assumption_key="objectRestoreTime",
        ),
        # ElastiCache
        Figure(
            "elasticache.global.lag",
            1,
            "ElastiCache Global Datastore cross-region replication: generally under 1 s",
            "ElastiCache guide 'Redis-Global-Datastore'",
        ),
        Figure(
            "elasticache.global.promotion",
            60,
            "ElastiCache Global Datastore promotion of a secondary (FailoverGlobalReplicationGroup): ~1 min",
            "ElastiCache guide 'Redis-Global-Datastores-Console'; AWS DR workshop",
        ),
        Figure(
            "elasticache.multiaz.failover",
            60,
            "ElastiCache Multi-AZ automatic failover to a replica: typically under a minute",
            "ElastiCache guide 'AutoFailover'",
        ),
        Figure(
            "elasticache.replica.lag",
            1,
            "ElastiCache in-region replicas are updated asynchronously; AWS publishes no lag figure",
            "ElastiCache guide 'Replication.Redis.Groups': asynchronous, no published lag",
            published=False,
            assumption_key="cacheReplicationLag",
        ),
        Figure(
            "elasticache.snapshot.daily",
            86400,
            "ElastiCache automatic backups run once a day, in the snapshot window",
            "ElastiCache guide 'backups-automatic'",
        ),
        Figure(
            "elasticache.restore",
            1200,
            "ElastiCache create + restore from snapshot: tens of minutes",
            "ElastiCache guide 'backups-restoring': no published duration",
            published=False,
            assumption_key="cacheRestoreTime",
        ),
        # Amazon MQ
        Figure(
            "mq.crdr.lag",
            60,
            "Amazon MQ CRDR replication is asynchronous; AWS publishes no lag figure (watch TotalReplicationLag)",
            "Amazon MQ guide 'crdr-metrics'",
            published=False,
            assumption_key="mqReplicationLag",
        ),
        Figure(
            "mq.crdr.promotion",
            600,
            "Amazon MQ CRDR promotion (mq:Promote FAILOVER): AWS publishes no duration",
            "Amazon MQ guide 'crdr-promote'",
            published=False,
            assumption_key="mqPromotionTime",
        ),
        Figure(
            "mq.active_standby.failover",
            120,
            "Amazon MQ active/standby broker failover within the region: about 1-2 minutes, persisted messages kept on shared storage",
            "Amazon MQ guide 'active-standby-broker-deployment'",
        ),
        # Secrets Manager
        Figure(
            "secretsmanager.replica.lag",
            60,
            "Secrets Manager replica: replicated asynchronously, no published lag",
            "Secrets Manager guide 'create-manage-multi-region-secrets'",
            published=False,
            assumption_key="secretsReplicationLag",
        ),
        Figure(
            "secretsmanager.replica.read",
            0,
            "A replica secret is readable in its region without promotion (promotion is only needed to write it)",
            "Secrets Manager guide 'create-manage-multi-region-secrets'",
        ),
        Figure(
            "secretsmanager.regional",
            0,
            "Secrets Manager is a regional service that stores secrets across the region's AZs",
            "Secrets Manager guide 'disaster-recovery-resiliency'",
        ),
        Figure(
            "secretsmanager.previous_version",
            0,
            "Secrets Manager keeps the previous version of a secret (staging label AWSPREVIOUS); moving AWSCURRENT back is one API call",
            "Secrets Manager guide 'whats-in-a-secret' (versions and staging labels)",
        ),
        # Route 53
        Figure(
            "route53.failover",
            None,
            "Route 53 health-check failover: request_interval x failure_threshold + record TTL (10 s x 3 + 60 s)",
            "Route 53 guide 'dns-failover-determining-health-of-endpoints'",
        ),
        # Kubernetes
        Figure(
            "k8s.pod_start",
            60,
            "Pods starting on warm nodes",
            "measured assumption (no AWS figure)",
            published=False,
            assumption_key="podStartTime",
        ),
        Figure(
            "k8s.node_start",
            300,
            "New EKS managed nodes joining the cluster",
            "measured assumption (no AWS figure)",
            published=False,
            assumption_key="nodeStartTime",
        ),
    )
}


def route53_failover_seconds(request_interval: int, failure_threshold: int, ttl: int) -> int:
    """Time for Route 53 to move traffic: the checkers must see `failure_threshold`
    consecutive failures `request_interval` apart, then resolvers honour the TTL."""
    return request_interval * failure_threshold + ttl


def figure(key: str, assumptions: dict[str, float] | None = None) -> tuple[float | None, Figure]:
    """The value of a figure, with the topology's assumption applied when unpublished.
    `assumptions` maps `topology.assumptions` keys (camelCase) to seconds."""
    fig = FIGURES[key]
    value = fig.seconds
    if not fig.published and assumptions and fig.assumption_key in assumptions:
        value = float(assumptions[fig.assumption_key])
    return value, fig
