"""components/workloads.py: the Deployments at the role's replica count, services, budgets."""

from __future__ import annotations

import pytest

from components.workloads import ServiceArgs, Workloads, WorkloadsArgs
from tests.components.harness import build

SERVICES = [
    ServiceArgs(name="api", image="repo/api:1", port=8080, replicas=5, public=True, cpu="250m", memory="512Mi"),
    ServiceArgs(name="worker", image="repo/worker:1", port=9090, replicas=0, public=False, cpu="500m", memory="1Gi"),
]


def _workloads(services=SERVICES):
    def make(place, opts):
        w = Workloads(
            "workloads",
            WorkloadsArgs(placement=place, namespace="dtem", services=services, liveness_path="/live", readiness_path="/ready"),
            opts=opts,
        )
        return {"endpoints": w.public_endpoints, "namespace": w.namespace}

    return make


@pytest.fixture(scope="module")
def cap():
    return build(_workloads(), kubernetes=True)


def _by_name(cap, type_):
    return {r.inputs["metadata"]["name"]: r for r in cap.of_type(type_)}


def test_deployments_at_the_given_replicas(cap):
    deployments = _by_name(cap, "kubernetes:apps/v1:Deployment")
    assert {n: d.inputs["spec"]["replicas"] for n, d in deployments.items()} == {"api": 5, "worker": 0}
    pod = deployments["worker"].inputs["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["image"] == "repo/worker:1"
    assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": 9090}
    assert container["livenessProbe"]["httpGet"] == {"path": "/live", "port": 9090}
    assert container["resources"] == {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "1Gi"}}
    assert container["envFrom"] == [{"configMapRef": {"name": "dtem-endpoints"}}]
    # Zone spread that still schedules with an AZ gone (L2).
    assert pod["topologySpreadConstraints"] == [
        {
            "maxSkew": 1,
            "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "worker", "app.kubernetes.io/part-of": "dtem"}},
        }
    ]
    assert deployments["api"].inputs["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_services_public_behind_a_load_balancer(cap):
    services = _by_name(cap, "kubernetes:core/v1:Service")
    assert services["api"].inputs["spec"]["type"] == "LoadBalancer"
    assert services["api"].inputs["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": 8080}]
    assert services["api"].inputs["metadata"]["annotations"]["service.beta.kubernetes.io/aws-load-balancer-type"] == "nlb"
    assert services["worker"].inputs["spec"]["type"] == "ClusterIP"
    assert set(cap.exports["endpoints"]) == {"api"}


def test_budgets_are_role_independent(cap):
    budgets = _by_name(cap, "kubernetes:policy/v1:PodDisruptionBudget")
    assert {n: b.inputs["spec"]["maxUnavailable"] for n, b in budgets.items()} == {"api": 1, "worker": 1}
    assert all("minAvailable" not in b.inputs["spec"] for b in budgets.values())


def test_flip_changes_only_replicas():
    standby = build(_workloads([ServiceArgs(**{**SERVICES[0].__dict__, "replicas": 1})]), site="dr", kubernetes=True)
    active = build(_workloads([ServiceArgs(**{**SERVICES[0].__dict__, "replicas": 5})]), site="dr", role="active", kubernetes=True)
    before = {r.urn: r.inputs for r in standby.custom()}
    after = {r.urn: r.inputs for r in active.custom()}
    assert before.keys() == after.keys()
    changed = {urn for urn in before if before[urn] != after[urn]}
    assert [urn.rsplit("::", 1)[1] for urn in changed] == ["workloads-api"]
    (urn,) = changed
    assert {**before[urn], "spec": {**before[urn]["spec"], "replicas": 5}} == after[urn]
