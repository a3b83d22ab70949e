from tests.policies.conftest import UNKNOWN, editable, find, messages, not_applicable

POLICY = "s3-versioning-enabled"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"


def test_shipped_buckets_are_versioned(pack_primary, pack_dr, topology):
    for pack, capture in ((pack_primary, topology.primary), (pack_dr, topology.dr)):
        analysis = pack.stack_of(editable(capture))
        assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []


def test_suspended(pack_primary, topology):
    items = editable(topology.primary)
    find(items, VERSIONING).properties["versioningConfiguration"]["status"] = "Suspended"
    assert messages(pack_primary.stack_of(items), POLICY) == [
        "S3 bucket `dtem-files-us-east-1` must have versioning enabled; got status Suspended"
    ]


def test_no_versioning_resource(pack_primary, topology):
    items = [i for i in editable(topology.primary) if i.type != VERSIONING]
    assert messages(pack_primary.stack_of(items), POLICY) == [
        "S3 bucket `dtem-files-us-east-1` must have versioning enabled; got no BucketVersioning resource"
    ]


def test_status_missing(pack_primary, topology):
    items = editable(topology.primary)
    find(items, VERSIONING).properties["versioningConfiguration"].pop("status")
    assert messages(pack_primary.stack_of(items), POLICY) == [
        "S3 bucket `dtem-files-us-east-1` must have versioning enabled; got no BucketVersioning resource"
    ]


def test_unknown_status_during_preview_is_skipped(pack_primary, topology):
    items = editable(topology.primary)
    find(items, VERSIONING).properties["versioningConfiguration"]["status"] = UNKNOWN
    analysis = pack_primary.stack_of(items)
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == [
        "dtem-files-us-east-1: `versioningConfiguration.status` is computed during preview; checked again when it is known"
    ]


def test_a_stack_without_buckets(pack_primary):
    analysis = pack_primary.stack_of([pack_primary.item("aws:rds/cluster:Cluster", {})])
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == ["no S3 bucket in this stack"]
