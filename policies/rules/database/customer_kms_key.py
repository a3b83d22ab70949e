"""Aurora storage encrypted with a customer-managed KMS key."""

from ...resources import RDS_CLUSTER
from ..base import Rule, need


def check(res, ctx, cfg):
    encrypted = need(res, "storageEncrypted")
    if encrypted is not True:
        got = "unset (AWS default false)" if encrypted is None else str(encrypted).lower()
        yield f"RDS cluster `{res.label}` must encrypt its storage with a customer-managed KMS key; got storageEncrypted {got}"
        return
    key = need(res, "kmsKeyId")
    if not key:
        yield f"RDS cluster `{res.label}` must encrypt its storage with a customer-managed KMS key; got no kmsKeyId (the AWS managed key aws/rds)"
    elif "alias/aws/" in key:
        yield f"RDS cluster `{res.label}` must encrypt its storage with a customer-managed KMS key; got `{key}` (AWS managed)"


POLICY = Rule(
    name="aurora-customer-kms-key",
    area="database",
    description="Aurora clusters encrypt their storage with a customer-managed KMS key.",
    why="A cross-region replica and snapshot copies must be decryptable in the other region: only a customer (multi-Region) "
    "key can be replicated there; the AWS managed aws/rds key cannot (design §4.4).",
    remediation="Set `storage_encrypted=True` and `kms_key_id` to the region's multi-Region key (components/keys.py).",
    severity="high",
    tags=("database", "encryption"),
    types=(RDS_CLUSTER,),
    check=check,
)
