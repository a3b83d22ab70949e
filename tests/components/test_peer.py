"""components/peer.py: the peer stack's outputs, or one clear error naming what is missing."""

from __future__ import annotations

import pytest

from components.peer import PeerOutputs
from drctl.engine import EngineError, run_program


def _read(name):
    def program():
        import pulumi

        pulumi.export("value", PeerOutputs("organization/dtem-dr/primary", "dr").require(name))

    return program


def test_an_output_the_peer_has():
    cap = run_program(_read("bucketArn"), project="dtem-dr", stack="dr", peer_outputs={"bucketArn": "arn:aws:s3:::b"})
    assert cap.exports == {"value": "arn:aws:s3:::b"}
    (ref,) = cap.of_type("pulumi:pulumi:StackReference")
    assert ref.inputs["name"] == "organization/dtem-dr/primary"


def test_a_missing_output_names_it_and_the_deployment_order():
    with pytest.raises(EngineError) as err:
        run_program(_read("globalClusterId"), project="dtem-dr", stack="dr", peer_outputs={"bucketArn": "arn"})
    assert str(err.value) == (
        "stack 'dr' needs output 'globalClusterId' of stack 'organization/dtem-dr/primary', which has none: deploy in "
        "order -- `pulumi up --stack primary` (first pass, peerWired=false), `pulumi up --stack dr`, then `pulumi up "
        "--stack primary` (see README, 'First deployment')"
    )
