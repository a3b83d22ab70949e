"""Every bucket is versioned."""

from ...resources import S3_BUCKETS, S3_VERSIONINGS
from ..base import Finding, Rule, computed, each, is_unknown


def check(ix, ctx, cfg):
    def judge(bucket):
        configs = ix.attached(S3_VERSIONINGS, bucket)
        statuses = [v.get("versioningConfiguration", "status") for v in configs]
        legacy = bucket.get("versioning", "enabled")
        if any(is_unknown(s) for s in statuses) or (not configs and is_unknown(legacy)):
            raise computed("versioningConfiguration.status")
        if "Enabled" in statuses or (not configs and legacy is True):
            return
        got = f"status {statuses[0]}" if statuses and statuses[0] else "no BucketVersioning resource"
        yield Finding(f"S3 bucket `{bucket.label}` must have versioning enabled; got {got}", bucket.urn)

    yield from each(ix.of_type(*S3_BUCKETS), judge, none="no S3 bucket in this stack")


POLICY = Rule(
    name="s3-versioning-enabled",
    area="storage",
    description="Every S3 bucket has versioning enabled.",
    why="Versioning keeps the previous version of every overwritten or deleted object: the way back from a corruption "
    "that replication copied (L4), and a prerequisite of S3 replication.",
    remediation="Declare an `aws.s3.BucketVersioning` with status `Enabled` for the bucket (components/object_store.py does).",
    severity="high",
    tags=("storage", "L4"),
    stack=True,
    check=check,
)
