"""Workloads: DTEM's Deployments in one region's cluster.

`api-gateway`, `dte-service` and `web-frontend` run in both regions: at their active
replica counts where the region serves traffic, at their standby counts elsewhere (warm:
at least one, so the region is proven to run the current image; pilot light: none). The
flip changes only `spec.replicas`, an in-place update. Pods spread over zones, and a
PodDisruptionBudget keeps voluntary disruptions from taking a service down.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from .common import Placement, child

_ZONE = "topology.kubernetes.io/zone"


@dataclass(frozen=True, kw_only=True)
class ServiceArgs:
    name: str
    """Deployment and Service name."""
    image: str
    """Container image."""
    port: int
    """Container port."""
    replicas: int
    """Replica count for the stack's role."""
    public: bool
    """Behind an internet-facing load balancer (Route 53 checks it)."""
    cpu: str
    """CPU request."""
    memory: str
    """Memory request."""


@dataclass(frozen=True, kw_only=True)
class WorkloadsArgs:
    placement: Placement
    """Site, region and role of the stack."""
    namespace: str
    """Namespace of every workload."""
    services: list[ServiceArgs]
    """The Deployments."""
    liveness_path: str = "/health"
    """Liveness probe path: default /health."""
    readiness_path: str = "/health"
    """Readiness probe path: default /health."""
    config_map: str = "dtem-endpoints"
    """ConfigMap with this region's endpoints, loaded as environment: default dtem-endpoints."""


class Workloads(pulumi.ComponentResource):
    namespace: pulumi.Output[str]
    public_endpoints: pulumi.Output[dict[str, str]]
    public_endpoint_outputs: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: WorkloadsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dtem-dr:workloads:Workloads", name, None, opts)
        p = args.placement
        ns = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=args.namespace, labels=p.labels("workloads")),
            opts=child(self),
        )
        endpoints = {}
        for svc in args.services:
            labels = {"app.kubernetes.io/name": svc.name, "app.kubernetes.io/part-of": "dtem"}
            meta = k8s.meta.v1.ObjectMetaArgs(name=svc.name, namespace=ns.metadata.name, labels={**labels, **p.labels("workloads")})
            probe = lambda path, delay: k8s.core.v1.ProbeArgs(  # noqa: E731
                http_get=k8s.core.v1.HTTPGetActionArgs(path=path, port=svc.port),
                initial_delay_seconds=delay,
                period_seconds=10,
                failure_threshold=3,
            )
            k8s.apps.v1.Deployment(
                f"{name}-{svc.name}",
                metadata=meta,
                spec=k8s.apps.v1.DeploymentSpecArgs(
                    replicas=svc.replicas,
                    selector=k8s.meta.v1.LabelSelectorArgs(match_labels=labels),
                    strategy=k8s.apps.v1.DeploymentStrategyArgs(
                        type="RollingUpdate",
                        rolling_update=k8s.apps.v1.RollingUpdateDeploymentArgs(max_unavailable=0, max_surge="25%"),
                    ),
                    template=k8s.core.v1.PodTemplateSpecArgs(
                        metadata=k8s.meta.v1.ObjectMetaArgs(labels=labels),
                        spec=k8s.core.v1.PodSpecArgs(
                            # ScheduleAnyway: with an AZ gone (L2) the pods must still be
                            # rescheduled in the two remaining zones.
                            topology_spread_constraints=[
                                k8s.core.v1.TopologySpreadConstraintArgs(
                                    max_skew=1,
                                    topology_key=_ZONE,
                                    when_unsatisfiable="ScheduleAnyway",
                                    label_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=labels),
                                )
                            ],
                            containers=[
                                k8s.core.v1.ContainerArgs(
                                    name=svc.name,
                                    image=svc.image,
                                    ports=[k8s.core.v1.ContainerPortArgs(container_port=svc.port, name="http")],
                                    env_from=[k8s.core.v1.EnvFromSourceArgs(config_map_ref=k8s.core.v1.ConfigMapEnvSourceArgs(name=args.config_map))],
                                    readiness_probe=probe(args.readiness_path, 5),
                                    liveness_probe=probe(args.liveness_path, 15),
                                    resources=k8s.core.v1.ResourceRequirementsArgs(
                                        requests={"cpu": svc.cpu, "memory": svc.memory},
                                        limits={"memory": svc.memory},
                                    ),
                                )
                            ],
                        ),
                    ),
                ),
                opts=child(self),
            )
            service = k8s.core.v1.Service(
                f"{name}-{svc.name}-svc",
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name=svc.name,
                    namespace=ns.metadata.name,
                    labels={**labels, **p.labels("workloads")},
                    # An internet-facing NLB from EKS's built-in service controller
                    # (cloud-provider-aws): `nlb` needs no add-on, whereas `external`
                    # would wait forever for the AWS Load Balancer Controller, which this
                    # project does not install. Cross-zone: an AZ loss (L2) leaves every
                    # load-balancer node able to reach the pods in the other zones.
                    annotations={
                        "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                        "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
                    }
                    if svc.public
                    else None,
                ),
                spec=k8s.core.v1.ServiceSpecArgs(
                    type="LoadBalancer" if svc.public else "ClusterIP",
                    selector=labels,
                    ports=[k8s.core.v1.ServicePortArgs(name="http", port=80 if svc.public else svc.port, target_port=svc.port)],
                ),
                opts=child(self),
            )
            # maxUnavailable (not minAvailable) so the budget is the same in both roles and
            # never blocks a node drain of a 1-replica standby.
            k8s.policy.v1.PodDisruptionBudget(
                f"{name}-{svc.name}-pdb",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=svc.name, namespace=ns.metadata.name, labels={**labels, **p.labels("workloads")}),
                spec=k8s.policy.v1.PodDisruptionBudgetSpecArgs(
                    max_unavailable=1, selector=k8s.meta.v1.LabelSelectorArgs(match_labels=labels)
                ),
                opts=child(self),
            )
            if svc.public:
                endpoints[svc.name] = service.status.apply(
                    lambda s: (s.load_balancer.ingress[0].hostname if s and s.load_balancer and s.load_balancer.ingress else None)
                )
        self.namespace = ns.metadata.name
        # Per service as well: a consumer that needs one service's endpoint (a Route 53
        # check) then depends on that service only, not on every public one.
        self.public_endpoint_outputs = endpoints
        self.public_endpoints = pulumi.Output.all(**endpoints)
        self.register_outputs({"namespace": self.namespace, "public_endpoints": self.public_endpoints})
