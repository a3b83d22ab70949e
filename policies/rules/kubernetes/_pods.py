"""Reading a Deployment's pod template (shared by the kubernetes rules)."""

from collections.abc import Mapping

from ..base import computed, is_unknown, need

ZONE_KEY = "topology.kubernetes.io/zone"


def replicas(res) -> int:
    """`spec.replicas`; Kubernetes defaults an unset count to 1."""
    value = need(res, "spec", "replicas")
    return 1 if value is None else int(value)


def containers(res) -> list[Mapping]:
    items = need(res, "spec", "template", "spec", "containers") or []
    for c in items:
        if is_unknown(c):
            raise computed("spec.template.spec.containers")
    return [c for c in items if isinstance(c, Mapping)]
