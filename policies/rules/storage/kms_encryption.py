"""Every bucket is encrypted with a customer-managed KMS key."""

from collections.abc import Mapping

from ...resources import S3_BUCKETS, S3_ENCRYPTIONS
from ..base import Finding, Rule, computed, each, is_unknown

KMS = ("aws:kms", "aws:kms:dsse")


def check(ix, ctx, cfg):
    def judge(bucket):
        configs = ix.attached(S3_ENCRYPTIONS, bucket)
        if not configs:
            yield Finding(
                f"S3 bucket `{bucket.label}` must be encrypted with a customer-managed KMS key; "
                "got no server-side encryption configuration (S3 default SSE-S3)",
                bucket.urn,
            )
            return
        rules = configs[0].get("rules", default=[])
        if is_unknown(rules):
            raise computed("rules")
        defaults = [r.get("applyServerSideEncryptionByDefault") or {} for r in rules or [] if isinstance(r, Mapping)]
        for d in defaults:
            algorithm, key = d.get("sseAlgorithm"), d.get("kmsMasterKeyId")
            if is_unknown(algorithm) or is_unknown(key):
                raise computed("rules.applyServerSideEncryptionByDefault")
            if algorithm in KMS and key:
                return
        if not defaults:
            got = "no default encryption rule"
        elif defaults[0].get("sseAlgorithm") in KMS:
            got = f"{defaults[0].get('sseAlgorithm')} without kmsMasterKeyId (the AWS managed key aws/s3)"
        else:
            got = f"sseAlgorithm {defaults[0].get('sseAlgorithm')}"
        yield Finding(f"S3 bucket `{bucket.label}` must be encrypted with a customer-managed KMS key; got {got}", bucket.urn)

    yield from each(ix.of_type(*S3_BUCKETS), judge, none="no S3 bucket in this stack")


POLICY = Rule(
    name="s3-kms-encryption",
    area="storage",
    description="Every S3 bucket is encrypted by default with a customer-managed KMS key.",
    why="Replicas and backup copies must stay decryptable in the other region: the multi-Region key has a replica there, "
    "AWS managed keys do not (design §4.4).",
    remediation="Declare an `aws.s3.BucketServerSideEncryptionConfiguration` with sse_algorithm `aws:kms` and "
    "kms_master_key_id = the region's multi-Region key.",
    severity="high",
    tags=("storage", "encryption"),
    stack=True,
    check=check,
)
