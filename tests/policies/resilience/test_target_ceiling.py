from tests.policies.conftest import editable, messages, not_applicable, with_config

POLICY = "resilience-target-ceiling"


def test_the_shipped_targets_are_within_the_ceilings(pack_primary, pack_dr, topology):
    # queue L4 is `unbounded` on purpose: exempted in policies/exemptions.json, with its reason.
    for pack, capture in ((pack_primary, topology.primary), (pack_dr, topology.dr)):
        assert messages(pack.stack_of(editable(capture)), POLICY) == []


def test_a_lax_target(packs, topology):
    config = with_config(topology.primary.config, topology=lambda t: t["cache"].update(rpo={"default": "4h", "L4": "1d"}))
    assert messages(packs.get("primary", config).stack_of(editable(topology.primary)), POLICY) == [
        f"cache: {lvl} RPO target 4h exceeds the organisation's ceiling 1h (resilience-target-ceiling.maximumRpo.{lvl.split()[0]} in policies/config.json)"
        for lvl in ("L1 (component failure)", "L2 (AZ loss)", "L3 (region loss)")
    ]


def test_an_unbounded_target_without_an_exemption(pack_primary, topology):
    with pack_primary.configured({POLICY: {"maximumRpo": {"L4": "1h"}}}):
        analysis = pack_primary.stack_of(editable(topology.primary))
    assert messages(analysis, POLICY) == [
        "database: L4 (replicated corruption) RPO target 1d exceeds the organisation's ceiling 1h "
        "(resilience-target-ceiling.maximumRpo.L4 in policies/config.json)",
        "cache: L4 (replicated corruption) RPO target 1d exceeds the organisation's ceiling 1h "
        "(resilience-target-ceiling.maximumRpo.L4 in policies/config.json)",
    ]


def test_a_level_without_a_ceiling(pack_primary, topology):
    with pack_primary.configured({POLICY: {"maximumRpo": {}}}):
        assert messages(pack_primary.stack_of(editable(topology.primary)), POLICY) == []


def test_unreadable_targets_are_left_to_resilience_targets(packs, topology):
    config = with_config(topology.primary.config, topology=lambda t: t.pop("queue"))
    analysis = packs.get("primary", config).stack_of(editable(topology.primary))
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["the targets cannot be read (resilience-targets reports why)"]
