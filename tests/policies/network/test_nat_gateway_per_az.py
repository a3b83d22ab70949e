from tests.policies.conftest import UNKNOWN, editable, messages, not_applicable

POLICY = "network-nat-gateway-per-az"
NAT = "aws:ec2/natGateway:NatGateway"
PREFIX = "NAT gateways must be in ≥ 3 AZs (one per AZ, so losing an AZ does not cut the others' egress); got "


def test_shipped_nat_gateways_are_one_per_az(pack_primary, pack_dr, topology):
    for pack, capture in ((pack_primary, topology.primary), (pack_dr, topology.dr)):
        analysis = pack.stack_of(editable(capture))
        assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []


def test_a_single_nat_gateway(pack_primary, topology):
    items = [i for i in editable(topology.primary) if not (i.type == NAT and not i.name.endswith("1a"))]
    assert messages(pack_primary.stack_of(items), POLICY) == [PREFIX + "1 (us-east-1a)"]


def test_all_in_one_subnet(pack_primary, topology):
    # The AZ comes from the subnet each gateway sits in (its property dependency).
    items = editable(topology.primary)
    nats = [i for i in items if i.type == NAT]
    # Registration order varies between runs: pick us-east-1a's gateway by name.
    first = next(n for n in nats if n.name.endswith("us-east-1a"))
    for nat in nats:
        nat.properties["subnetId"] = first.properties["subnetId"]
        nat.property_dependencies["subnetId"] = list(first.property_dependencies["subnetId"])
    assert messages(pack_primary.stack_of(items), POLICY) == [PREFIX + "1 (us-east-1a)"]


def test_no_nat_gateway(pack_primary, topology):
    items = [i for i in editable(topology.primary) if i.type != NAT]
    assert messages(pack_primary.stack_of(items), POLICY) == ["NAT gateways must be in ≥ 3 AZs (one per AZ); got none"]


def test_unknown_subnets_during_preview_are_skipped(pack_primary, topology):
    items = editable(topology.primary)
    for nat in (i for i in items if i.type == NAT):
        nat.properties["subnetId"] = UNKNOWN
        nat.property_dependencies.pop("subnetId")
    analysis = pack_primary.stack_of(items)
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["`subnetId` is computed during preview; checked again when it is known"]


def test_preview_still_resolves_the_zone_through_property_dependencies(pack_primary, topology):
    items = editable(topology.primary)
    for nat in (i for i in items if i.type == NAT):
        nat.properties["subnetId"] = UNKNOWN
    assert messages(pack_primary.stack_of(items), POLICY) == []
