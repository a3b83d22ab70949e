from tests.policies.conftest import UNKNOWN, editable, find, messages, not_applicable, with_config

POLICY = "s3-cross-region-replication"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
STACK_REF = "pulumi:pulumi:StackReference"
PREFIX = "S3 bucket `dtem-files-us-east-1` must replicate to a bucket in another region; "


def _rule(items):
    return find(items, REPLICATION).properties["rules"][0]


def test_shipped_buckets_replicate_to_the_other_region(pack_primary, pack_dr, topology):
    for pack, capture in ((pack_primary, topology.primary), (pack_dr, topology.dr)):
        analysis = pack.stack_of(editable(capture))
        assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []


def test_a_rule_to_a_bucket_in_the_same_region(pack_primary, topology):
    # The bucket is this stack's own: its region is its provider's.
    items = editable(topology.primary)
    _rule(items)["destination"]["bucket"] = "arn:aws:s3:::dtem-files-us-east-1"
    assert messages(pack_primary.stack_of(items), POLICY) == [
        PREFIX + "rule `to-us-west-2` replicates to `arn:aws:s3:::dtem-files-us-east-1` in us-east-1, its own region "
        "(resolved from a bucket of this stack)"
    ]


def test_the_region_is_resolved_from_the_peer_stack_outputs(pack_primary, topology):
    # A name that says nothing about its region: the peer stack's outputs say where it is.
    items = editable(topology.primary)
    outputs = find(items, STACK_REF).stack_properties["outputs"]
    outputs.update(bucketArn="arn:aws:s3:::dtem-archive", bucketName="dtem-archive", region="us-east-1")
    _rule(items)["destination"]["bucket"] = "arn:aws:s3:::dtem-archive"
    assert messages(pack_primary.stack_of(items), POLICY) == [
        PREFIX + "rule `to-us-west-2` replicates to `arn:aws:s3:::dtem-archive` in us-east-1, its own region "
        "(resolved from stack dr's outputs)"
    ]
    outputs["region"] = "us-west-2"
    assert messages(pack_primary.stack_of(items), POLICY) == []


def test_a_destination_whose_region_cannot_be_resolved(pack_primary, topology):
    items = editable(topology.primary)
    _rule(items)["destination"]["bucket"] = "arn:aws:s3:::somebody-elses-bucket"
    assert messages(pack_primary.stack_of(items), POLICY) == [
        PREFIX + "rule `to-us-west-2` replicates to `arn:aws:s3:::somebody-elses-bucket`, whose region cannot be resolved "
        "(not a bucket of this stack, not the peer stack's bucketArn, not named `<bucketPrefix>-<region>`)"
    ]


def test_a_disabled_rule(pack_primary, topology):
    items = editable(topology.primary)
    _rule(items)["status"] = "Disabled"
    assert messages(pack_primary.stack_of(items), POLICY) == [PREFIX + "every replication rule is disabled"]


def test_no_replication(pack_primary, topology):
    items = [i for i in editable(topology.primary) if i.type != REPLICATION]
    assert messages(pack_primary.stack_of(items), POLICY) == [PREFIX + "got no replication configuration"]


def test_unknown_destination_during_preview_is_skipped(pack_primary, topology):
    items = editable(topology.primary)
    _rule(items)["destination"]["bucket"] = UNKNOWN
    analysis = pack_primary.stack_of(items)
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == [
        "dtem-files-us-east-1: `rules.destination.bucket` is computed during preview; checked again when it is known"
    ]


def test_first_deployment_is_not_applicable(packs, topology):
    pack = packs.get("primary", with_config(topology.primary.config, peerWired="false"))
    analysis = pack.stack_of(editable(topology.first_pass))
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["first deployment (peerWired: false): the dr bucket does not exist yet"]
