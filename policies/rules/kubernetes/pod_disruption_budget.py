"""Every Deployment has a PodDisruptionBudget selecting its pods."""

from collections.abc import Mapping

from ...resources import DEPLOYMENT, PDB
from ..base import Finding, Rule, computed, each, is_unknown


def check(ix, ctx, cfg):
    budgets = []
    for pdb in ix.of_type(PDB):
        ns = pdb.get("metadata", "namespace")
        selector = pdb.get("spec", "selector", "matchLabels")
        if not (is_unknown(ns) or is_unknown(selector)) and isinstance(selector, Mapping):
            budgets.append((ns, dict(selector)))

    def judge(dep):
        ns = dep.get("metadata", "namespace")
        labels = dep.get("spec", "template", "metadata", "labels")
        if is_unknown(ns) or is_unknown(labels):
            raise computed("metadata.namespace / spec.template.metadata.labels")
        labels = labels if isinstance(labels, Mapping) else {}
        for pdb_ns, selector in budgets:
            if pdb_ns == ns and selector and all(labels.get(k) == v for k, v in selector.items()):
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
