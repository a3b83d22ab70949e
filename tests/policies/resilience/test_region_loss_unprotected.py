from tests.policies.conftest import editable, messages, not_applicable, with_config

POLICY = "resilience-region-loss-unprotected"
TARGETS = (
    "database RPO 15m/RTO 1h, objectStore RPO 1h/RTO 2h, cache RPO 1h/RTO 30m, queue RPO 5m/RTO 15m, "
    "secrets RPO 5m/RTO 15m, workloads RPO 0s/RTO 30m"
)


def test_wired_stacks_have_a_live_second_region(pack_primary, pack_dr, topology):
    for pack, capture in ((pack_primary, topology.primary), (pack_dr, topology.dr)):
        analysis = pack.stack_of(editable(capture))
        assert messages(analysis, POLICY) == []
        assert not_applicable(analysis, POLICY) == ["the stack has a live second region"]


def test_after_a_detach_failover(packs, topology):
    analysis = packs.get("dr", with_config(topology.dr.config, role="active")).stack_of(editable(topology.dr))
    assert messages(analysis, POLICY) == [
        "region loss (L3) is not protected now — failed over: us-west-2 serves with no live second region; the "
        "region-loss path returns when failback re-creates the primary region as a secondary (design §4.6); "
        f"L3 targets not assessed: {TARGETS}"
    ]
    assert {d.enforcement for d in analysis.diagnostics if d.policy == POLICY} == {"advisory"}


def test_after_a_managed_failover_with_data_loss(packs, topology):
    config = with_config(
        topology.dr.config, role="active", allowDataLoss="true", topology=lambda t: t["database"].update(failover="managed")
    )
    assert messages(packs.get("dr", config).stack_of(editable(topology.dr)), POLICY) == [
        "region loss (L3) is not protected now — failed over with allowDataLoss: us-west-2 serves while the other "
        "region is down; the region-loss path returns when that region is back as a secondary (design §4.6); "
        f"L3 targets not assessed: {TARGETS}"
    ]


def test_a_planned_switchover_keeps_a_live_second_region(packs, topology):
    config = with_config(topology.dr.config, role="active", topology=lambda t: t["database"].update(failover="managed"))
    assert messages(packs.get("dr", config).stack_of(editable(topology.dr)), POLICY) == []


def test_the_first_deployment(packs, topology):
    pack = packs.get("primary", with_config(topology.primary.config, peerWired="false"))
    assert messages(pack.stack_of(editable(topology.first_pass)), POLICY) == [
        "region loss (L3) is not protected now — first deployment (peerWired: false): replication to the dr region, "
        f"its backup copies and the SECONDARY records do not exist yet; L3 targets not assessed: {TARGETS}"
    ]
