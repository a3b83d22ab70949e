"""Every bucket blocks public access, all four ways."""

from ...resources import S3_BUCKETS, S3_PUBLIC_ACCESS
from ..base import Finding, Rule, computed, each, is_unknown

FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def check(ix, ctx, cfg):
    def judge(bucket):
        blocks = ix.attached(S3_PUBLIC_ACCESS, bucket)
        if not blocks:
            yield Finding(f"S3 bucket `{bucket.label}` must block public access; got no BucketPublicAccessBlock", bucket.urn)
            return
        values = {f: blocks[0].get(f) for f in FLAGS}
        if any(is_unknown(v) for v in values.values()):
            raise computed(next(f for f, v in values.items() if is_unknown(v)))
        off = [f"{f} {'unset' if v is None else str(v).lower()}" for f, v in values.items() if v is not True]
        if off:
            yield Finding(f"S3 bucket `{bucket.label}` must block public access; got {', '.join(off)}", bucket.urn)

    yield from each(ix.of_type(*S3_BUCKETS), judge, none="no S3 bucket in this stack")


POLICY = Rule(
    name="s3-public-access-blocked",
    area="storage",
    description="Every S3 bucket has a public access block with all four settings on.",
    why="A public bucket leaks the DTEs and can be overwritten from anywhere; replication then copies the damage to "
    "the dr region (design §4.4).",
    remediation="Declare an `aws.s3.BucketPublicAccessBlock` with block_public_acls, block_public_policy, "
    "ignore_public_acls and restrict_public_buckets all True.",
    severity="critical",
    tags=("storage", "security"),
    stack=True,
    check=check,
)
