"""Promotions: what the AWS provider can only do by API call, as Pulumi dynamic resources.

One provider per file (boto3, this stack's region only, live state first, polled with a
timeout): `aurora_failover` (SwitchoverGlobalCluster / FailoverGlobalCluster AllowDataLoss),
`cache_promotion` (FailoverGlobalReplicationGroup), `queue_promotion` (mq:Promote). Each
resource's desired state follows the stack's `role` through its `promote` input; see
`base` for what they share.
"""

from .aurora_failover import AuroraFailover, AuroraFailoverProvider
from .base import PromotionError, PromotionProvider, default_client_factory
from .cache_promotion import CachePromotion, CachePromotionProvider
from .queue_promotion import QueuePromotion, QueuePromotionProvider

# Dynamic resource types (`pulumi-python:dynamic/<module>:<name>`), for drctl and tests.
TYPES = {
    "AuroraFailover": "pulumi-python:dynamic/promotions:AuroraFailover",
    "CachePromotion": "pulumi-python:dynamic/promotions:CachePromotion",
    "QueuePromotion": "pulumi-python:dynamic/promotions:QueuePromotion",
}

__all__ = [
    "TYPES",
    "AuroraFailover",
    "AuroraFailoverProvider",
    "CachePromotion",
    "CachePromotionProvider",
    "PromotionError",
    "PromotionProvider",
    "QueuePromotion",
    "QueuePromotionProvider",
    "default_client_factory",
]
