import pytest

from tests.policies.conftest import UNKNOWN, editable, find, messages, not_applicable

POLICY = "s3-public-access-blocked"
BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"


def test_shipped_buckets_block_public_access(pack_primary, pack_dr, topology):
    for pack, capture in ((pack_primary, topology.primary), (pack_dr, topology.dr)):
        analysis = pack.stack_of(editable(capture))
        assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []


@pytest.mark.parametrize(
    "change, got",
    [
        ({"restrictPublicBuckets": False}, "restrictPublicBuckets false"),
        ({"blockPublicAcls": False, "ignorePublicAcls": False}, "blockPublicAcls false, ignorePublicAcls false"),
        ({"blockPublicPolicy": None}, "blockPublicPolicy unset"),
    ],
    ids=["one-off", "two-off", "property-missing"],
)
def test_settings_off(pack_primary, topology, change, got):
    items = editable(topology.primary)
    props = find(items, BLOCK).properties
    for key, value in change.items():
        if value is None:
            props.pop(key)
        else:
            props[key] = value
    assert messages(pack_primary.stack_of(items), POLICY) == [f"S3 bucket `dtem-files-us-east-1` must block public access; got {got}"]


def test_no_block_resource(pack_primary, topology):
    items = [i for i in editable(topology.primary) if i.type != BLOCK]
    assert messages(pack_primary.stack_of(items), POLICY) == [
        "S3 bucket `dtem-files-us-east-1` must block public access; got no BucketPublicAccessBlock"
    ]


def test_unknown_during_preview_is_skipped(pack_primary, topology):
    items = editable(topology.primary)
    find(items, BLOCK).properties["blockPublicPolicy"] = UNKNOWN
    analysis = pack_primary.stack_of(items)
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == [
        "dtem-files-us-east-1: `blockPublicPolicy` is computed during preview; checked again when it is known"
    ]
