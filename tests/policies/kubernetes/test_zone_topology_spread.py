import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable
from tests.policies.kubernetes._deployment import deployment, pod_spec

POLICY = "k8s-zone-topology-spread"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
PREFIX = "Deployment `dtem/api-gateway` must spread its pods over zones (topologySpreadConstraints on topology.kubernetes.io/zone); got "


def _with(constraints):
    d = deployment()
    if constraints is None:
        pod_spec(d).pop("topologySpreadConstraints")
    else:
        pod_spec(d)["topologySpreadConstraints"] = constraints
    return d


@pytest.mark.parametrize(
    "constraints, expected",
    [
        (pod_spec(deployment())["topologySpreadConstraints"], []),
        ([], [PREFIX + "none"]),
        (None, [PREFIX + "none"]),
        ([{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname"}], [PREFIX + "constraints on kubernetes.io/hostname only"]),
    ],
    ids=["zone-spread", "empty", "property-missing", "hostname-only"],
)
def test_messages(pack_primary, constraints, expected):
    assert messages(pack_primary.resource(DEPLOYMENT, _with(constraints)), POLICY) == expected


def test_unknown_during_preview_is_skipped(pack_primary):
    analysis = pack_primary.resource(DEPLOYMENT, _with(UNKNOWN))
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == [
        "`spec.template.spec.topologySpreadConstraints` is computed during preview; checked again when it is known"
    ]


def test_other_types_are_not_looked_at(pack_primary):
    analysis = pack_primary.resource("kubernetes:apps/v1:DaemonSet", _with([]))
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
