import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable

POLICY = "aurora-customer-kms-key"
CLUSTER = "aws:rds/cluster:Cluster"
KEY = "arn:aws:kms:us-east-1:123456789012:key/mrk-0123"
BASE = {"clusterIdentifier": "dtem-db-us-east-1", "storageEncrypted": True, "kmsKeyId": KEY}
PREFIX = "RDS cluster `dtem-db-us-east-1` must encrypt its storage with a customer-managed KMS key; got "


@pytest.mark.parametrize(
    "props, expected",
    [
        (BASE, []),
        ({**BASE, "storageEncrypted": False}, [PREFIX + "storageEncrypted false"]),
        ({k: v for k, v in BASE.items() if k != "storageEncrypted"}, [PREFIX + "storageEncrypted unset (AWS default false)"]),
        ({k: v for k, v in BASE.items() if k != "kmsKeyId"}, [PREFIX + "no kmsKeyId (the AWS managed key aws/rds)"]),
        ({**BASE, "kmsKeyId": "alias/aws/rds"}, [PREFIX + "`alias/aws/rds` (AWS managed)"]),
    ],
    ids=["customer-key", "not-encrypted", "encryption-missing", "key-missing", "aws-managed-alias"],
)
def test_messages(pack_primary, props, expected):
    assert messages(pack_primary.resource(CLUSTER, props), POLICY) == expected


def test_unknown_key_during_preview_is_skipped(pack_primary):
    analysis = pack_primary.resource(CLUSTER, {**BASE, "kmsKeyId": UNKNOWN})
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["`kmsKeyId` is computed during preview; checked again when it is known"]


def test_other_types_are_not_looked_at(pack_primary):
    analysis = pack_primary.resource("aws:rds/globalCluster:GlobalCluster", {"storageEncrypted": False})
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
