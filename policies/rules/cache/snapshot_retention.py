"""ElastiCache keeps daily snapshots at least the organisation's floor."""

from ...resources import CACHE_GROUP
from ..base import Rule, need


def check(res, ctx, cfg):
    floor = int(cfg["minimumRetentionDays"])
    days = need(res, "snapshotRetentionLimit")
    if days is None:
        yield f"ElastiCache replication group `{res.label}` must keep snapshots ≥ {floor} days; got unset (AWS default 0: no snapshots)"
    elif days < floor:
        yield f"ElastiCache replication group `{res.label}` must keep snapshots ≥ {floor} days; got {days}"


POLICY = Rule(
    name="elasticache-snapshot-retention",
    area="cache",
    description="ElastiCache replication groups keep automatic daily snapshots at least as many days as the organisation's floor.",
    why="Snapshots are the cache's only way back from a corruption that replication copied (L4): without them, the "
    "cache restarts empty.",
    remediation="Set `cache.snapshotRetentionDays` in Pulumi.yaml to at least "
    "`elasticache-snapshot-retention.minimumRetentionDays` of policies/config.json.",
    severity="medium",
    tags=("cache", "backup", "L4"),
    config={
        "minimumRetentionDays": {
            "type": "integer",
            "minimum": 0,
            "maximum": 35,
            "default": 1,
            "description": "Fewest days of automatic snapshots a replication group may keep.",
        }
    },
    types=(CACHE_GROUP,),
    check=check,
)
