"""The URNs of the stateful resources, per stack, pinned in tests/snapshots/stateful_urns.json.

A URN is a resource's identity in the state: rename a stateful resource, change its type
token or move it under another component, and `pulumi up` deletes the old one and creates
an empty new one -- a database, a bucket, a key. This test fails when a snapshotted URN
disappears, unless the resource that replaces it declares the old URN as an alias.

Regenerate after an intended change (new stateful resource, or a rename that carries its
alias), and review the diff of the JSON file in the PR:

    UPDATE_SNAPSHOTS=1 ./venv/bin/python -m pytest tests/test_urn_snapshot.py
    # or: make update-snapshots
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from drctl.engine import Registration, run_program
from tests.support import STATEFUL_TYPES

SNAPSHOT = Path(__file__).parent / "snapshots" / "stateful_urns.json"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
REGENERATE = "UPDATE_SNAPSHOTS=1 ./venv/bin/python -m pytest tests/test_urn_snapshot.py"


def stateful_urns(resources: list[Registration]) -> list[str]:
    return sorted(r.urn for r in resources if r.custom and r.type in STATEFUL_TYPES)


def compare(pinned: list[str], resources: list[Registration]) -> tuple[list[str], list[str]]:
    """(pinned URNs no current resource has or aliases, current stateful URNs not pinned)."""
    current = set(stateful_urns(resources))
    aliased = {alias for r in resources if r.type in STATEFUL_TYPES for alias in r.aliases}
    missing = sorted(u for u in pinned if u not in current and u not in aliased)
    added = sorted(current - set(pinned))
    return missing, added


def explain(stack: str, missing: list[str], added: list[str]) -> str:
    lines = []
    if missing:
        lines += [
            f"stack {stack}: these stateful resources would be DELETED and re-created empty by `pulumi up` "
            "(their URN is gone):",
            *(f"  - {u}" for u in missing),
            "If this is a rename, a new type token or a move to another parent, keep the resource: add "
            "opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name=..., parent=..., type_=...)]) naming the old URN, "
            f"then regenerate the snapshot ({REGENERATE}).",
        ]
    if added:
        lines += [
            f"stack {stack}: stateful resources not in the snapshot:",
            *(f"  + {u}" for u in added),
            f"If they are intended, regenerate the snapshot ({REGENERATE}) and review the JSON diff.",
        ]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def pinned(topology) -> dict[str, list[str]]:
    if UPDATE:
        current = {stack: stateful_urns(topology[stack].resources) for stack in ("primary", "dr")}
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(current, indent=2) + "\n")
    assert SNAPSHOT.exists(), f"{SNAPSHOT} is missing: create it with {REGENERATE}"
    return json.loads(SNAPSHOT.read_text())


@pytest.mark.parametrize("stack", ["primary", "dr"])
def test_stateful_urns_are_unchanged(topology, pinned, stack):
    missing, added = compare(pinned[stack], topology[stack].resources)
    assert not missing and not added, explain(stack, missing, added)


def test_snapshot_covers_every_stateful_type_each_stack_has(pinned):
    types = {stack: {u.split("::")[2].split("$")[-1] for u in urns} for stack, urns in pinned.items()}
    assert types["primary"] == set(STATEFUL_TYPES) - {"aws:kms/replicaKey:ReplicaKey"}
    assert types["dr"] == set(STATEFUL_TYPES) - {
        "aws:kms/key:Key",
        "aws:rds/globalCluster:GlobalCluster",
        "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
        "aws:secretsmanager/secret:Secret",
    }


def test_wiring_renames_no_stateful_resource(topology):
    """The first pass and the wired primary are the same stack: no stateful URN may differ."""
    assert stateful_urns(topology.first_pass.resources) == stateful_urns(topology.primary.resources)


# ---------------------------------------------------------------------------------------
# The check itself, on a two-line program: a rename is caught, an alias is honoured
# ---------------------------------------------------------------------------------------


def _bucket_program(name: str, aliases=None):
    def program():
        import pulumi
        import pulumi_aws as aws

        provider = aws.Provider("aws", region="us-east-1")
        aws.s3.Bucket(name, opts=pulumi.ResourceOptions(provider=provider, protect=True, aliases=aliases or []))

    return program


def test_a_rename_without_alias_is_caught_and_with_alias_is_not():
    import pulumi

    before = stateful_urns(run_program(_bucket_program("files"), project="p", stack="s").resources)
    assert before == ["urn:pulumi:s::p::aws:s3/bucket:Bucket::files"]

    renamed = run_program(_bucket_program("documents"), project="p", stack="s").resources
    missing, added = compare(before, renamed)
    assert missing == before and added == ["urn:pulumi:s::p::aws:s3/bucket:Bucket::documents"]
    assert "would be DELETED" in explain("s", missing, added) and "aliases=" in explain("s", missing, added)

    aliased = run_program(_bucket_program("documents", [pulumi.Alias(name="files")]), project="p", stack="s").resources
    missing, added = compare(before, aliased)
    assert missing == [] and added == ["urn:pulumi:s::p::aws:s3/bucket:Bucket::documents"]
