"""The whole pack, through the real interface, on the shipped stacks (issue 4, 'Done when')."""

import json

import pytest

from drctl.analyzer import reconcile_config
from policies.pack import PACK_NAME, RULES
from tests.policies.conftest import POLICY_CONFIG, editable

def test_the_primary_stack_has_no_violation(pack_primary, topology):
    analysis = pack_primary.preview(editable(topology.primary))
    assert analysis.diagnostics == []


def test_the_dr_stack_has_no_mandatory_violation(pack_dr, topology):
    analysis = pack_dr.preview(editable(topology.dr))
    assert analysis.mandatory == []
    # Each region pulls its images from its own ECR registry (components/registry.py), so
    # not even the advisory registry check has anything to say.
    assert analysis.diagnostics == []


def test_every_resource_was_analyzed_and_nothing_crashed(pack_primary, topology):
    analysis = pack_primary.preview(editable(topology.primary))
    # A policy that raised would come back as a gRPC error; one that read an unknown value
    # as the SDK's advisory "can't run policy ... during preview".
    assert not any("can't run policy" in d.message for d in analysis.diagnostics)


def test_analyzer_info_describes_every_policy(pack_primary):
    info = pack_primary.process.info()
    assert info.name == PACK_NAME and info.supportsConfig
    assert [p.name for p in info.policies] == [r.name for r in RULES]
    for p, rule in zip(info.policies, RULES):
        assert p.description == rule.description
        assert p.remediation_steps == rule.remediation
        assert p.url == f"policies/POLICIES.md#{rule.name}"
        assert list(p.tags) == list(rule.tags) and p.tags
        assert p.severity != 0, p.name


def test_the_cli_would_send_config_json_with_the_schema_defaults(pack_primary):
    sent = reconcile_config(pack_primary.process.info(), POLICY_CONFIG)
    assert sent["aurora-backup-retention"] == {"enforcementLevel": "mandatory", "properties": {"minimumRetentionDays": 7}}
    assert sent["elasticache-snapshot-retention"]["properties"] == {"minimumRetentionDays": 7}
    assert sent["k8s-image-registry-in-region"] == {"enforcementLevel": "advisory", "properties": {}}
    without_file = reconcile_config(pack_primary.process.info(), None)
    assert without_file["elasticache-snapshot-retention"]["properties"] == {"minimumRetentionDays": 1}
    assert reconcile_config(pack_primary.process.info(), {"all": "advisory"})["resilience-targets"]["enforcementLevel"] == "advisory"


def test_an_enforcement_level_from_the_config_file_is_applied(pack_primary, topology):
    items = editable(topology.primary)
    next(i for i in items if i.type == "aws:s3/bucket:Bucket").protect = False
    with pack_primary.configured({"stateful-resource-protected": {"enforcementLevel": "advisory"}}):
        analysis = pack_primary.process.analyze_resources(items)
    assert [(d.policy, d.enforcement) for d in analysis.diagnostics] == [("stateful-resource-protected", "advisory")]


def _db(topology, stack, **database):
    topo = json.loads(topology[stack].config["dtem-dr:topology"])
    topo["database"].update(database)
    return json.dumps(topo)


FAILOVER_STATES = {
    # name: (dr overrides, primary overrides or None when the primary stack is gone/unchanged)
    "detach-failover": ({"dtem-dr:role": "active"}, None),
    "managed-switchover": ({"dtem-dr:role": "active", "managed": True}, {"dtem-dr:role": "standby", "managed": True}),
    "managed-failover-with-data-loss": ({"dtem-dr:role": "active", "dtem-dr:allowDataLoss": "true", "managed": True}, None),
    "failback-dr-owns-the-global-cluster": ({"dtem-dr:role": "active", "owner": True}, {"dtem-dr:role": "standby", "owner": True}),
}


@pytest.mark.parametrize("state", list(FAILOVER_STATES))
def test_no_failover_state_is_ever_blocked(packs, topology, project_dir, state):
    """A policy must never stop the failover (or the failback) it exists to protect."""
    from drctl.engine import run_stack

    def overrides(stack, given):
        given = dict(given)
        database = {}
        if given.pop("managed", False):
            database["failover"] = "managed"
        if given.pop("owner", False):
            database["globalClusterOwner"] = "dr"
        return {**given, "dtem-dr:topology": _db(topology, stack, **database)}

    dr_over, primary_over = FAILOVER_STATES[state]
    dr = run_stack(project_dir, "dr", overrides=overrides("dr", dr_over), peer_outputs=topology.primary.exports)
    captures = [dr]
    if primary_over is not None:
        captures.append(run_stack(project_dir, "primary", overrides=overrides("primary", primary_over), peer_outputs=dr.exports))
    for capture in captures:
        analysis = packs.get(capture.stack, capture.config).preview(editable(capture))
        assert analysis.mandatory == [], (capture.stack, [d.message for d in analysis.mandatory])
