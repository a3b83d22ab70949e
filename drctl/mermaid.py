"""The topology as a Mermaid flowchart that GitHub renders in a PR comment.

One subgraph per region (site, region, role), one subgraph per availability zone inside it
with what is pinned to that zone, one node per component with its principal resources, and
the replication arrows between the regions. Every arrow is read from the resource
properties that will be deployed -- a global-cluster membership, a replication rule's
destination bucket, a copy action's vault ARN -- not from the config, so a component that
stops replicating loses its arrow. Output is sorted: the same topology gives the same text.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any, Iterable

from drctl.engine import Capture, Registration
from drctl.plan import COMPONENT_NAMES, COMPONENT_ORDER, az_of
from drctl.replacement import STATEFUL_TYPES

# Short names of the resources a reader recognises; the rest only count.
NOUNS = {
    "aws:rds/globalCluster:GlobalCluster": "Aurora global cluster",
    "aws:rds/cluster:Cluster": "Aurora cluster",
    "aws:rds/clusterInstance:ClusterInstance": "Aurora instance",
    "aws:s3/bucket:Bucket": "S3 bucket",
    "aws:elasticache/replicationGroup:ReplicationGroup": "cache replication group",
    "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": "Global Datastore",
    "aws:mq/broker:Broker": "ActiveMQ broker",
    "aws:secretsmanager/secret:Secret": "secret",
    "aws:kms/key:Key": "KMS multi-Region key",
    "aws:kms/replicaKey:ReplicaKey": "KMS replica key",
    "aws:backup/vault:Vault": "backup vault",
    "aws:backup/plan:Plan": "backup plan",
    "aws:eks/cluster:Cluster": "EKS cluster",
    "aws:eks/nodeGroup:NodeGroup": "node group",
    "aws:ec2/vpc:Vpc": "VPC",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/natGateway:NatGateway": "NAT gateway",
    "aws:route53/healthCheck:HealthCheck": "health check",
    "aws:route53/record:Record": "failover record",
    "kubernetes:core/v1:ConfigMap": "ConfigMap",
}
_ID = re.compile(r"[^A-Za-z0-9_]")


def _id(*parts: str) -> str:
    return "_".join(_ID.sub("_", p) for p in parts if p)


def _label(text: str) -> str:
    # Inside a quoted Mermaid label a double quote ends the label; # starts an entity.
    return text.replace('"', "'").replace("#", "")


def _component(reg: Registration) -> str:
    return COMPONENT_NAMES.get(reg.component or "", reg.component or "stack")


def _component_sort(name: str) -> tuple[int, str]:
    return (COMPONENT_ORDER.index(name) if name in COMPONENT_ORDER else len(COMPONENT_ORDER), name)


def _count(nouns: Iterable[str]) -> str:
    counts = Counter(nouns)
    return " · ".join(f"{n} ×{c}" if c > 1 else n for n, c in sorted(counts.items()))


def _noun(reg: Registration) -> str | None:
    if reg.type == "kubernetes:apps/v1:Deployment":
        meta = reg.inputs.get("metadata") or {}
        spec = reg.inputs.get("spec") or {}
        return f"{meta.get('name', reg.name)} ×{spec.get('replicas', '?')}"
    if reg.type == "aws:eks/nodeGroup:NodeGroup":
        size = (reg.inputs.get("scalingConfig") or {}).get("desiredSize", "?")
        return f"node group: {size} node{'' if size == 1 else 's'}"
    return NOUNS.get(reg.type)


class _Site:
    def __init__(self, capture: Capture):
        self.capture = capture
        self.name = str(capture.exports.get("site") or capture.stack)
        self.region = str(capture.exports.get("region") or "")
        self.role = str(capture.exports.get("role") or "")
        self.azs = list(capture.exports.get("availabilityZones") or [])
        self.resources = capture.custom()
        if not self.region:
            self.region = next((r.region for r in self.resources if r.region), "") or ""

    def node(self, component: str) -> str:
        return _id(self.name, component)


def _replication_edges(sites: list[_Site]) -> list[tuple[str, str, str, bool]]:
    """(from node, to node, label, dotted) for every cross-region data path."""
    by_region = {s.region: s for s in sites}
    edges: set[tuple[str, str, str, bool]] = set()
    counts: Counter[tuple[str, str, str, bool]] = Counter()

    def other(site: _Site) -> _Site | None:
        rest = [s for s in sites if s is not site]
        return rest[0] if len(rest) == 1 else None

    def region_in(text: Any) -> _Site | None:
        if not isinstance(text, str):
            return None
        return next((s for r, s in sorted(by_region.items()) if r and (f":{r}:" in text or f".{r}." in text)), None)

    def owner_of(type_: str) -> _Site | None:
        return next((s for s in sites if any(r.type == type_ for r in s.resources)), None)

    for site in sites:
        for reg in site.resources:
            comp = _component(reg)
            inputs = reg.inputs
            if reg.type == "aws:rds/cluster:Cluster" and inputs.get("globalClusterIdentifier"):
                src = owner_of("aws:rds/globalCluster:GlobalCluster")
                if src is not None and src is not site:
                    edges.add((src.node(comp), site.node(comp), "Aurora global database · async", False))
            elif reg.type == "aws:elasticache/replicationGroup:ReplicationGroup" and inputs.get("globalReplicationGroupId"):
                src = owner_of("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup") or other(site)
                if src is not None and src is not site:
                    edges.add((src.node(comp), site.node(comp), "Global Datastore · async", False))
            elif reg.type == "aws:mq/broker:Broker" and inputs.get("dataReplicationPrimaryBrokerArn"):
                src = region_in(inputs["dataReplicationPrimaryBrokerArn"]) or other(site)
                if src is not None and src is not site:
                    edges.add((src.node(comp), site.node(comp), "CRDR · async", False))
            elif reg.type == "aws:kms/replicaKey:ReplicaKey":
                src = region_in(inputs.get("primaryKeyArn")) or other(site)
                if src is not None and src is not site:
                    edges.add((src.node(comp), site.node(comp), "multi-Region key replica", True))
            elif reg.type == "aws:secretsmanager/secret:Secret":
                for replica in inputs.get("replicas") or []:
                    dst = by_region.get((replica or {}).get("region"))
                    if dst is not None and dst is not site:
                        counts[(site.node(comp), dst.node(comp), "secret replica", False)] += 1
            elif reg.type == "aws:s3/bucketReplicationConfig:BucketReplicationConfig":
                for rule in inputs.get("rules") or []:
                    if (rule or {}).get("status") != "Enabled":
                        continue
                    dest = rule.get("destination") or {}
                    dst = _bucket_site(sites, dest.get("bucket"))
                    if dst is None or dst is site:
                        continue
                    rtc = ((dest.get("replicationTime") or {}).get("status")) == "Enabled"
                    minutes = ((dest.get("replicationTime") or {}).get("time") or {}).get("minutes", 15)
                    label = f"S3 CRR · RTC {minutes} min" if rtc else "S3 CRR · no RTC, unbounded"
                    edges.add((site.node(comp), dst.node(comp), label, False))
            elif reg.type == "aws:backup/plan:Plan":
                for rule in inputs.get("rules") or []:
                    for action in (rule or {}).get("copyActions") or []:
                        dst = region_in((action or {}).get("destinationVaultArn"))
                        if dst is not None and dst is not site:
                            edges.add((site.node(comp), dst.node(comp), "backup copies", True))
    for (a, b, label, dotted), n in counts.items():
        edges.add((a, b, f"{label} ×{n}" if n > 1 else label, dotted))
    return sorted(edges)


def _bucket_site(sites: list[_Site], arn: Any) -> _Site | None:
    if not isinstance(arn, str):
        return None
    name = arn.rsplit(":", 1)[-1]
    for site in sites:
        for reg in site.resources:
            if reg.type == "aws:s3/bucket:Bucket" and reg.inputs.get("bucket") == name:
                return site
    return None


def _traffic(sites: list[_Site]) -> tuple[list[str], list[tuple[str, str, str, bool]]]:
    """Route 53 is global: one node outside the regions, an arrow per failover role."""
    records = [r for s in sites for r in s.resources if r.type == "aws:route53/record:Record"]
    checks = [r for s in sites for r in s.resources if r.type == "aws:route53/healthCheck:HealthCheck"]
    if not records:
        return [], []
    names = sorted({str(r.inputs.get("name", r.name)) for r in records})
    lines = [f'  route53{{{{"Route 53 failover<br/>{_label(" · ".join(names))}<br/>health checks ×{len(checks)}"}}}}']
    by_role: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rec in records:
        roles = [str(p.get("type")) for p in rec.inputs.get("failoverRoutingPolicies") or [] if isinstance(p, dict)]
        values = " ".join(str(v) for v in rec.inputs.get("records") or [])
        target = next((s for s in sites if s.region and f".{s.region}." in values), None)
        if target is None:
            target = next((s for s in sites if s.name == rec.inputs.get("setIdentifier")), None)
        if target is None:
            continue
        for role in roles or ["SIMPLE"]:
            by_role[(target.node("workloads"), role)].add(str(rec.inputs.get("name", rec.name)).split(".")[0])
    edges = [
        ("route53", node, f"{role} · {', '.join(sorted(hosts))}", role != "PRIMARY")
        for (node, role), hosts in sorted(by_role.items())
    ]
    return lines, edges


def topology_diagram(captures: Iterable[Capture]) -> str:
    """The Mermaid source (without the ``` fence) for the stacks' captures."""
    sites = sorted((_Site(c) for c in captures), key=lambda s: (s.name != "primary", s.name))
    lines = ["flowchart LR"]
    for site in sites:
        lines.append(f'  subgraph {_id(site.name)}["{_label(f"{site.name} · {site.region} · {site.role}")}"]')
        lines.append("    direction TB")
        pinned: dict[str, list[Registration]] = defaultdict(list)
        regional: dict[str, list[Registration]] = defaultdict(list)
        for reg in site.resources:
            if reg.type.startswith("aws:route53/"):
                continue  # drawn once, outside the regions
            az = az_of(reg, site.azs)
            (pinned[az] if az else regional[_component(reg)]).append(reg)
        for i, az in enumerate(sorted(set(site.azs) | set(pinned))):
            nouns = [n for n in (_noun(r) for r in pinned.get(az, [])) if n]
            body = _count(nouns) or "no pinned resources"
            az_id = _id(site.name, "az", str(i + 1))
            lines.append(f'    subgraph {az_id}["{_label(az)}"]')
            lines.append(f'      {az_id}_n["{_label(body)}"]')
            lines.append("    end")
        for comp in sorted(regional, key=_component_sort):
            regs = regional[comp]
            nouns = [n for n in (_noun(r) for r in regs) if n]
            detail = _count(nouns) or f"{len(regs)} resource{'' if len(regs) == 1 else 's'}"
            text = _label(f"{comp}<br/>{detail}")
            node = site.node(comp)
            if any(r.type in STATEFUL_TYPES for r in regs):
                lines.append(f'    {node}[("{text}")]')
            else:
                lines.append(f'    {node}["{text}"]')
        lines.append("  end")
    defined = {m.group(1) for m in re.finditer(r"^\s+([A-Za-z0-9_]+)[\[\(\{]", "\n".join(lines), re.M)}
    traffic_lines, traffic_edges = _traffic(sites)
    lines += traffic_lines
    defined |= {"route53"} if traffic_lines else set()
    for src, dst, label, dotted in _replication_edges(sites) + traffic_edges:
        if src not in defined or dst not in defined:
            continue  # e.g. a workloads component absent from a region
        arrow = "-.->" if dotted else "-->"
        lines.append(f'  {src} {arrow}|"{_label(label)}"| {dst}')
    return "\n".join(lines)
