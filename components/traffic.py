"""Traffic: Route 53 health checks and failover records, owned by the primary stack.

Traffic moves on Route 53's data plane: each record pair (PRIMARY -> primary region,
SECONDARY -> dr region) answers with the healthy one. The flip edits no record and no
health check, because the Route 53 control plane lives in us-east-1 and may be the region
that is down (AWS Well-Architected REL11-BP04; Fault Isolation Boundaries, Route 53).
Failover time ~ request_interval x failure_threshold (10 s x 3) + TTL (Route 53 guide
"dns-failover-determining-health-of-endpoints"). While the primary site is in standby
(failback), its health checks are inverted: users stay on the dr region until the return.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .common import Placement, child


@dataclass(frozen=True, kw_only=True)
class TrafficArgs:
    placement: Placement
    """Site, region and role of the stack (the primary site)."""
    zone_id: pulumi.Input[str]
    """Route 53 hosted zone id."""
    zone: str
    """Zone name."""
    records: dict[str, str]
    """Record name -> public service."""
    primary_endpoints: pulumi.Input[dict[str, str]] | Mapping[str, pulumi.Input[str]]
    """Public service -> load balancer hostname in the primary region (a map of per-service
    inputs keeps each check's dependencies to its own service)."""
    dr_endpoints: pulumi.Input[dict[str, str]] | None = None
    """Public service -> load balancer hostname in the dr region (from the dr stack); none until wired."""
    ttl: int = 60
    """Record TTL: default 60."""
    health_path: str = "/health"
    """Probed path: default /health."""
    request_interval: int = 10
    """Seconds between checks: default 10."""
    failure_threshold: int = 3
    """Failures before unhealthy: default 3."""
    fence_primary: bool = False
    """The primary site is in standby (after a failover, until the failback's return):
    its health checks are inverted, so Route 53 keeps answering with the dr records even
    when the primary region's endpoints are healthy again: default False."""
    wait_for: list[pulumi.Resource] = field(default_factory=list)
    """Resources the primary's health checks are changed after (the primary site's
    promotions: traffic comes back only once the writer has): none."""


class Traffic(pulumi.ComponentResource):
    health_check_ids: pulumi.Output[dict[str, str]]
    fqdns: list[str]

    def __init__(self, name: str, args: TrafficArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dtem-dr:traffic:Traffic", name, None, opts)
        tags = args.placement.tags("traffic")
        checks = {}
        sites = [("primary", "PRIMARY", args.primary_endpoints)]
        if args.dr_endpoints is not None:
            sites.append(("dr", "SECONDARY", args.dr_endpoints))
        self.fqdns = []
        for record, service in sorted(args.records.items()):
            fqdn = f"{record}.{args.zone}"
            self.fqdns.append(fqdn)
            for site, failover, endpoints in sites:
                if isinstance(endpoints, Mapping):
                    # One service's endpoint: the check and record depend on that service
                    # only. Through a single Output of the whole map, every check depended on
                    # every public service -- quadratic in their number (make bench).
                    host = pulumi.Output.from_input(endpoints.get(service))
                else:
                    host = pulumi.Output.from_input(endpoints).apply(lambda e, s=service: e.get(s) if e else None)
                check = aws.route53.HealthCheck(
                    f"{name}-{record}-{site}",
                    # The public services listen on port 80 of their load balancer
                    # (components/workloads.py); the check probes the same path users hit.
                    type="HTTP",
                    fqdn=host,
                    port=80,
                    resource_path=args.health_path,
                    request_interval=args.request_interval,
                    failure_threshold=args.failure_threshold,
                    # Fencing during a failback: the primary region comes back with warm
                    # pods that pass their checks, in front of a database that is not the
                    # writer; inverted, its checks fail and users stay on the dr records.
                    # Changed only by the failback, with both regions up (README).
                    invert_healthcheck=True if (site == "primary" and args.fence_primary) else None,
                    tags={**tags, "Name": f"{fqdn} {site}"},
                    opts=child(self, depends_on=args.wait_for) if site == "primary" and args.wait_for else child(self),
                )
                aws.route53.Record(
                    f"{name}-{record}-{site}",
                    zone_id=args.zone_id,
                    name=fqdn,
                    type="CNAME",
                    ttl=args.ttl,
                    records=[host],
                    set_identifier=site,
                    failover_routing_policies=[aws.route53.RecordFailoverRoutingPolicyArgs(type=failover)],
                    health_check_id=check.id,
                    opts=child(self),
                )
                checks[f"{record}-{site}"] = check.id
        self.health_check_ids = pulumi.Output.all(**checks)
        self.register_outputs({"health_check_ids": self.health_check_ids})
