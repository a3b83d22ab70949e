"""Every Deployment has a PodDisruptionBudget selecting its pods."""

import json
from collections import defaultdict
from collections.abc import Mapping

from ...resources import DEPLOYMENT, PDB
from ..base import Finding, Rule, computed, each, is_unknown


def _key(value):
    return json.dumps(value, sort_keys=True, default=str)


def check(ix, ctx, cfg):
    # Budgets indexed by (namespace, one of their selector's labels): a Deployment is
    # compared only with the budgets that share a label with its pods, not with every
    # budget of the stack (that was quadratic in the number of services; make bench).
    budgets: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for pdb in ix.of_type(PDB):
        ns = pdb.get("metadata", "namespace")
        selector = pdb.get("spec", "selector", "matchLabels")
        if not (is_unknown(ns) or is_unknown(selector)) and isinstance(selector, Mapping) and selector:
            k, v = min(selector.items(), key=lambda item: str(item[0]))
            budgets[(_key(ns), str(k), _key(v))].append(dict(selector))

    def judge(dep):
        ns = dep.get("metadata", "namespace")
        labels = dep.get("spec", "template", "metadata", "labels")
        if is_unknown(ns) or is_unknown(labels):
            raise computed("metadata.namespace / spec.template.metadata.labels")
        labels = labels if isinstance(labels, Mapping) else {}
        for k, v in labels.items():
            for selector in budgets.get((_key(ns), str(k), _key(v)), ()):
                if all(labels.get(sk) == sv for sk, sv in selector.items()):
                    return
        yield Finding(
            f"Deployment `{dep.label}` must have a PodDisruptionBudget selecting its pods; got none in namespace {ns or 'default'}",
            dep.urn,
        )

    yield from each(ix.of_type(DEPLOYMENT), judge, none="no Deployment in this stack")


POLICY = Rule(
    name="k8s-pod-disruption-budget",
    area="kubernetes",
    description="Every Deployment has a PodDisruptionBudget in its namespace whose selector matches its pods.",
    why="Node drains (upgrades, the flip scaling node groups) are voluntary disruptions: without a budget they may "
    "evict every replica at once.",
    remediation="Declare a `policy/v1` PodDisruptionBudget with `max_unavailable=1` and the Deployment's pod labels as selector.",
    severity="medium",
    tags=("kubernetes", "L1"),
    stack=True,
    check=check,
)
