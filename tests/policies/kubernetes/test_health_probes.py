import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable
from tests.policies.kubernetes._deployment import deployment, pod_spec

POLICY = "k8s-health-probes"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
PREFIX = "Deployment `dtem/api-gateway` container `api-gateway` must have readiness and liveness probes; missing "


def _without(*probes):
    d = deployment()
    for p in probes:
        pod_spec(d)["containers"][0].pop(p)
    return d


@pytest.mark.parametrize(
    "props, expected",
    [
        (deployment(), []),
        (_without("livenessProbe"), [PREFIX + "livenessProbe"]),
        (_without("readinessProbe"), [PREFIX + "readinessProbe"]),
        (_without("readinessProbe", "livenessProbe"), [PREFIX + "readinessProbe and livenessProbe"]),
    ],
    ids=["both", "no-liveness", "no-readiness", "neither"],
)
def test_messages(pack_primary, props, expected):
    assert messages(pack_primary.resource(DEPLOYMENT, props), POLICY) == expected


def test_every_container_is_checked(pack_primary):
    d = deployment()
    pod_spec(d)["containers"].append({"name": "sidecar", "image": "sidecar:1"})
    assert messages(pack_primary.resource(DEPLOYMENT, d), POLICY) == [
        "Deployment `dtem/api-gateway` container `sidecar` must have readiness and liveness probes; missing readinessProbe and livenessProbe"
    ]


def test_unknown_containers_during_preview_are_skipped(pack_primary):
    d = deployment()
    pod_spec(d)["containers"] = UNKNOWN
    analysis = pack_primary.resource(DEPLOYMENT, d)
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["`spec.template.spec.containers` is computed during preview; checked again when it is known"]


def test_other_types_are_not_looked_at(pack_primary):
    analysis = pack_primary.resource("kubernetes:batch/v1:Job", _without("readinessProbe"))
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
