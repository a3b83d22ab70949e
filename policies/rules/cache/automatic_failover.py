"""ElastiCache replication groups fail over automatically."""

from ...resources import CACHE_GROUP
from ..base import Rule, need


def check(res, ctx, cfg):
    value = need(res, "automaticFailoverEnabled")
    if value is not True:
        got = "unset (AWS default false)" if value is None else str(value).lower()
        yield f"ElastiCache replication group `{res.label}` must fail over automatically; got automaticFailoverEnabled {got}"


POLICY = Rule(
    name="elasticache-automatic-failover",
    area="cache",
    description="ElastiCache replication groups have automatic failover on.",
    why="Without it, a failed primary node (L1) waits for a person: the replicas are there but nobody promotes them.",
    remediation="Set `automatic_failover_enabled=True` (needs at least one replica).",
    severity="high",
    tags=("cache", "L1"),
    types=(CACHE_GROUP,),
    check=check,
)
