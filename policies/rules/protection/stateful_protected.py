"""Every stateful resource is created with protect=True."""

from ...resources import (
    BACKUP_VAULT,
    CACHE_GLOBAL,
    CACHE_GROUP,
    KMS_KEY,
    KMS_REPLICA_KEY,
    MQ_BROKER,
    RDS_CLUSTER,
    RDS_GLOBAL,
    RDS_INSTANCE,
    S3_BUCKET,
    S3_BUCKET_V2,
    SECRET,
)
from ..base import Rule

STATEFUL = {
    RDS_GLOBAL: "Aurora global cluster",
    RDS_CLUSTER: "RDS cluster",
    RDS_INSTANCE: "RDS instance",
    S3_BUCKET: "S3 bucket",
    S3_BUCKET_V2: "S3 bucket",
    CACHE_GROUP: "ElastiCache replication group",
    CACHE_GLOBAL: "ElastiCache global datastore",
    MQ_BROKER: "Amazon MQ broker",
    SECRET: "secret",
    KMS_KEY: "KMS key",
    KMS_REPLICA_KEY: "KMS replica key",
    BACKUP_VAULT: "AWS Backup vault",
}


def check(res, ctx, cfg):
    if not res.protect:
        yield f"{STATEFUL[res.type]} `{res.label}` holds state and must be declared with protect=True; got protect false"


POLICY = Rule(
    name="stateful-resource-protected",
    area="protection",
    description="Every stateful resource (database cluster and instances, global cluster, bucket, cache, broker, secret, "
    "KMS key, backup vault) "
    "is declared with protect=True.",
    why="A refactor that renames one, a flip that changes a replacement-forcing input, or a stray `destroy` must stop "
    "at the engine instead of deleting data (design §4.3, §4.4).",
    remediation="Create it with `opts=stateful(self)` (components/common.py), i.e. `ResourceOptions(protect=True)`.",
    severity="critical",
    tags=("protection",),
    types=tuple(STATEFUL),
    check=check,
)
