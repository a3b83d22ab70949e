from tests.policies.conftest import UNKNOWN, editable, find, messages, not_applicable

POLICY = "s3-kms-encryption"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
PREFIX = "S3 bucket `dtem-files-us-east-1` must be encrypted with a customer-managed KMS key; got "


def _default(items):
    return find(items, SSE).properties["rules"][0]["applyServerSideEncryptionByDefault"]


def test_shipped_buckets_use_the_multi_region_key(pack_primary, pack_dr, topology):
    for pack, capture in ((pack_primary, topology.primary), (pack_dr, topology.dr)):
        analysis = pack.stack_of(editable(capture))
        assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []


def test_sse_s3(pack_primary, topology):
    items = editable(topology.primary)
    _default(items).update(sseAlgorithm="AES256")
    _default(items).pop("kmsMasterKeyId")
    assert messages(pack_primary.stack_of(items), POLICY) == [PREFIX + "sseAlgorithm AES256"]


def test_kms_without_a_key(pack_primary, topology):
    items = editable(topology.primary)
    _default(items).pop("kmsMasterKeyId")
    assert messages(pack_primary.stack_of(items), POLICY) == [PREFIX + "aws:kms without kmsMasterKeyId (the AWS managed key aws/s3)"]


def test_no_rule(pack_primary, topology):
    items = editable(topology.primary)
    find(items, SSE).properties["rules"] = []
    assert messages(pack_primary.stack_of(items), POLICY) == [PREFIX + "no default encryption rule"]


def test_no_configuration(pack_primary, topology):
    items = [i for i in editable(topology.primary) if i.type != SSE]
    assert messages(pack_primary.stack_of(items), POLICY) == [PREFIX + "no server-side encryption configuration (S3 default SSE-S3)"]


def test_unknown_key_during_preview_is_skipped(pack_primary, topology):
    items = editable(topology.primary)
    _default(items)["kmsMasterKeyId"] = UNKNOWN
    analysis = pack_primary.stack_of(items)
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == [
        "dtem-files-us-east-1: `rules.applyServerSideEncryptionByDefault` is computed during preview; checked again when it is known"
    ]
