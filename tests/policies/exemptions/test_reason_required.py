"""Exemptions are data: they exempt only with a reason, and a missing reason is a violation.
Each case runs a pack whose DTEM_POLICY_EXEMPTIONS names a file written for it."""

import json

import pytest

from tests.policies.conftest import editable, find, messages, not_applicable

POLICY = "exemption-reason-required"
SHIPPED_REASON = "Amazon MQ keeps no point-in-time copy"


@pytest.fixture
def pack_with(packs, topology, tmp_path_factory):
    def start(entries, stack="primary"):
        path = tmp_path_factory.mktemp("exemptions") / "exemptions.json"
        path.write_text(json.dumps(entries if not isinstance(entries, list) else {"exemptions": entries}))
        return packs.get(stack, topology[stack].config, exemptions=path)

    return start


def test_the_shipped_exemption_has_a_reason(pack_primary, topology, project_dir):
    shipped = json.loads((project_dir / "policies" / "exemptions.json").read_text())["exemptions"]
    assert [(e["policy"], e["resource"]) for e in shipped] == [("resilience-target-ceiling", "queue/L4")]
    assert shipped[0]["reason"].startswith(SHIPPED_REASON)
    analysis = pack_primary.stack_of(editable(topology.primary))
    assert messages(analysis, POLICY) == [] and messages(analysis, "resilience-target-ceiling") == []


def test_without_a_reason_it_exempts_nothing_and_is_a_violation(pack_with, topology):
    pack = pack_with([{"policy": "resilience-target-ceiling", "resource": "queue/L4", "reason": "  "}])
    analysis = pack.stack_of(editable(topology.primary))
    assert messages(analysis, POLICY) == [
        "exemption #1 (resilience-target-ceiling for `queue/L4`) has no reason: an exemption must say why, and exempts nothing until it does"
    ]
    assert messages(analysis, "resilience-target-ceiling") == [
        "queue: L4 (replicated corruption) RPO target unbounded exceeds the organisation's ceiling 1d "
        "(resilience-target-ceiling.maximumRpo.L4 in policies/config.json)"
    ]


def test_an_exemption_with_a_reason_exempts_one_resource_of_one_policy(pack_with, topology):
    pack = pack_with(
        [
            {"policy": "resilience-target-ceiling", "resource": "queue/L4", "reason": "see Pulumi.yaml"},
            {"policy": "stateful-resource-protected", "resource": "dtem-files-us-east-1", "reason": "bucket being migrated, ticket 42"},
        ]
    )
    items = editable(topology.primary)
    bucket = find(items, "aws:s3/bucket:Bucket")
    bucket.protect = False
    cache = find(items, "aws:elasticache/replicationGroup:ReplicationGroup")
    cache.protect = False
    analysis = pack.preview(items)
    assert messages(analysis, POLICY) == []
    assert messages(analysis, "stateful-resource-protected") == [
        "ElastiCache replication group `dtem-cache-us-east-1` holds state and must be declared with protect=True; got protect false"
    ]


@pytest.mark.parametrize(
    "entries, expected",
    [
        (
            [{"policy": "no-such-policy", "resource": "x", "reason": "r"}],
            ["exemption #1 (no-such-policy for `x`) names a policy that is not in the pack"],
        ),
        (
            [{"policy": "stateful-resource-protected", "reason": "r"}],
            ["exemption #1 (stateful-resource-protected for `no resource`) must name both a policy and a resource"],
        ),
        (
            [{"policy": "stateful-resource-protected", "resource": "x", "reason": "r", "until": "2027"}],
            ["exemption #1: unknown key(s) until; an exemption has policy, resource and reason"],
        ),
        ({"exemptions": "all"}, ["exemptions file exemptions.json: expected a list of {policy, resource, reason}"]),
    ],
    ids=["unknown-policy", "no-resource", "unknown-key", "not-a-list"],
)
def test_malformed_exemptions(pack_with, topology, entries, expected):
    analysis = pack_with(entries).stack_of(editable(topology.primary))
    assert messages(analysis, POLICY) == expected


def test_nothing_else_is_exempted(pack_primary):
    analysis = pack_primary.stack_of([pack_primary.item("aws:s3/bucket:Bucket", {"bucket": "b"})])
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
