"""A Deployment as components/workloads.py declares one (camelCase, as the engine sends it)."""

import copy

ZONE = "topology.kubernetes.io/zone"
LABELS = {"app.kubernetes.io/name": "api-gateway", "app.kubernetes.io/part-of": "dtem"}
PROBE = {"httpGet": {"path": "/health", "port": 8080}, "periodSeconds": 10}
DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "api-gateway", "namespace": "dtem", "labels": dict(LABELS)},
    "spec": {
        "replicas": 5,
        "selector": {"matchLabels": dict(LABELS)},
        "template": {
            "metadata": {"labels": dict(LABELS)},
            "spec": {
                "topologySpreadConstraints": [
                    {"maxSkew": 1, "topologyKey": ZONE, "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": dict(LABELS)}}
                ],
                "containers": [
                    {
                        "name": "api-gateway",
                        "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/dtem/api-gateway:2026.12.1",
                        "readinessProbe": dict(PROBE),
                        "livenessProbe": dict(PROBE),
                    }
                ],
            },
        },
    },
}


def deployment(**spec) -> dict:
    """A copy of DEPLOYMENT with `spec` keys replaced."""
    d = copy.deepcopy(DEPLOYMENT)
    d["spec"].update(spec)
    return d


def pod_spec(d: dict) -> dict:
    return d["spec"]["template"]["spec"]
