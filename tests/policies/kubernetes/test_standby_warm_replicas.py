import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable, with_config
from tests.policies.kubernetes._deployment import deployment

POLICY = "k8s-standby-warm-replicas"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"


@pytest.mark.parametrize(
    "replicas, expected",
    [
        (1, []),
        (0, ["Deployment `dtem/api-gateway` must keep ≥ 1 replica in standby (workloads.strategy warm); got 0"]),
        (None, []),
    ],
    ids=["one", "zero", "property-missing-defaults-to-1"],
)
def test_messages_in_a_warm_standby(pack_dr, replicas, expected):
    d = deployment(replicas=replicas)
    if replicas is None:
        d["spec"].pop("replicas")
    assert messages(pack_dr.resource(DEPLOYMENT, d), POLICY) == expected


def test_pilot_light_keeps_zero_by_design(packs, topology):
    config = with_config(topology.dr.config, topology=lambda t: t["workloads"].update(strategy="pilot-light"))
    analysis = packs.get("dr", config).resource(DEPLOYMENT, deployment(replicas=0))
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["workloads.strategy is pilot-light: only a warm standby keeps replicas running"]


def test_active_region_is_not_applicable(pack_primary):
    analysis = pack_primary.resource(DEPLOYMENT, deployment(replicas=0))
    assert not_applicable(analysis, POLICY) == ["active region: k8s-active-min-replicas applies"]


def test_unknown_during_preview_is_skipped(pack_dr):
    analysis = pack_dr.resource(DEPLOYMENT, deployment(replicas=UNKNOWN))
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["`spec.replicas` is computed during preview; checked again when it is known"]


def test_other_types_are_not_looked_at(pack_dr):
    analysis = pack_dr.resource("kubernetes:core/v1:Service", deployment(replicas=0))
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
