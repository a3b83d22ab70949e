"""ElastiCache replication groups are Multi-AZ, with a replica to fail over to."""

from ...resources import CACHE_GROUP
from ..base import Rule, need


def check(res, ctx, cfg):
    multi_az = need(res, "multiAzEnabled")
    nodes = need(res, "numCacheClusters")
    if nodes is None:
        azs = need(res, "preferredCacheClusterAzs")
        nodes = len(azs) if isinstance(azs, list) else 1
    if multi_az is not True:
        got = "unset (AWS default false)" if multi_az is None else str(multi_az).lower()
        yield f"ElastiCache replication group `{res.label}` must be Multi-AZ; got multiAzEnabled {got}"
    elif nodes < 2:
        yield f"ElastiCache replication group `{res.label}` must be Multi-AZ with a replica in another AZ; got {nodes} node(s)"


POLICY = Rule(
    name="elasticache-multi-az",
    area="cache",
    description="ElastiCache replication groups have Multi-AZ on and at least one replica.",
    why="With Multi-AZ, losing the primary node's AZ (L2) promotes a replica in another AZ in about a minute instead of "
    "rebuilding the cache from a day-old snapshot.",
    remediation="Set `multi_az_enabled=True` with `num_cache_clusters` ≥ 2 over the region's AZs (components/cache.py: one node per AZ).",
    severity="high",
    tags=("cache", "L2"),
    types=(CACHE_GROUP,),
    check=check,
)
