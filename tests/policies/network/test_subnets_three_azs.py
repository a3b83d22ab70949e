from tests.policies.conftest import UNKNOWN, editable, messages, not_applicable

POLICY = "network-subnets-three-azs"
SUBNET = "aws:ec2/subnet:Subnet"


def _subnets(items):
    return [i for i in items if i.type == SUBNET]


def test_shipped_subnets_span_three_azs(pack_primary, pack_dr, topology):
    for pack, capture in ((pack_primary, topology.primary), (pack_dr, topology.dr)):
        analysis = pack.stack_of(editable(capture))
        assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []


def test_one_az(pack_primary, topology):
    items = editable(topology.primary)
    for s in _subnets(items):
        s.properties["availabilityZone"] = "us-east-1a"
    assert messages(pack_primary.stack_of(items), POLICY) == ["subnets must span ≥ 3 AZs; got 1 (us-east-1a)"]


def test_two_azs_and_unpinned_subnets(pack_primary, topology):
    items = editable(topology.primary)
    for s in _subnets(items):
        if s.properties["availabilityZone"] == "us-east-1c":
            s.properties.pop("availabilityZone")
    assert messages(pack_primary.stack_of(items), POLICY) == [
        "subnets must span ≥ 3 AZs; got 2 (us-east-1a, us-east-1b) and 2 subnet(s) without availabilityZone (AWS picks one)"
    ]


def test_the_floor_is_configurable(pack_primary, topology):
    with pack_primary.configured({POLICY: {"minimumZones": 4}}):
        analysis = pack_primary.stack_of(editable(topology.primary))
    assert messages(analysis, POLICY) == ["subnets must span ≥ 4 AZs; got 3 (us-east-1a, us-east-1b, us-east-1c)"]


def test_unknown_zones_during_preview_are_skipped(pack_primary, topology):
    items = editable(topology.primary)
    for s in _subnets(items):
        s.properties["availabilityZone"] = UNKNOWN
    analysis = pack_primary.stack_of(items)
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["`availabilityZone` is computed during preview; checked again when it is known"]


def test_a_stack_without_subnets(pack_primary):
    analysis = pack_primary.stack_of([pack_primary.item("aws:s3/bucket:Bucket", {"bucket": "b"})])
    assert not_applicable(analysis, POLICY) == ["no subnet in this stack"]
