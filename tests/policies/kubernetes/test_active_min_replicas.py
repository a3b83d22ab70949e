import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable
from tests.policies.kubernetes._deployment import deployment

POLICY = "k8s-active-min-replicas"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"


@pytest.mark.parametrize(
    "replicas, expected",
    [
        (5, []),
        (2, []),
        (1, ["Deployment `dtem/api-gateway` must run ≥ 2 replicas in an active region; got 1"]),
        (0, ["Deployment `dtem/api-gateway` must run ≥ 2 replicas in an active region; got 0"]),
        (None, ["Deployment `dtem/api-gateway` must run ≥ 2 replicas in an active region; got 1"]),
    ],
    ids=["five", "two", "one", "zero", "property-missing-defaults-to-1"],
)
def test_messages_in_the_active_region(pack_primary, replicas, expected):
    d = deployment(replicas=replicas)
    if replicas is None:
        d["spec"].pop("replicas")
    assert messages(pack_primary.resource(DEPLOYMENT, d), POLICY) == expected


def test_standby_region_is_not_applicable(pack_dr):
    analysis = pack_dr.resource(DEPLOYMENT, deployment(replicas=1))
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["standby region: k8s-standby-warm-replicas applies"]


def test_unknown_during_preview_is_skipped(pack_primary):
    analysis = pack_primary.resource(DEPLOYMENT, deployment(replicas=UNKNOWN))
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["`spec.replicas` is computed during preview; checked again when it is known"]


def test_other_types_are_not_looked_at(pack_primary):
    analysis = pack_primary.resource("kubernetes:apps/v1:StatefulSet", deployment(replicas=1))
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
