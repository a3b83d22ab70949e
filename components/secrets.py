"""Secrets: the application's secrets, replicated to the DR region, and the in-cluster
pointer to this region's endpoints.

The primary site owns the Secrets Manager secrets and declares their replica in the dr
region (encrypted there with the multi-Region key's replica, which shares the key id).
Replicas are readable in the dr region while the primary is gone; promoting one
(StopReplicationToReplica) is only needed to write to it. Each region's ConfigMap points
the workloads at that region's own database, cache, broker and bucket.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from .common import Placement, child, stateful


@dataclass(frozen=True, kw_only=True)
class SecretsArgs:
    placement: Placement
    """Site, region and role of the stack."""
    key_id: pulumi.Input[str]
    """Multi-Region key id (the same `mrk-` id in both regions)."""
    namespace: pulumi.Input[str]
    """Kubernetes namespace of the ConfigMap."""
    endpoints: dict[str, pulumi.Input[str]]
    """This region's endpoints, written into the ConfigMap."""
    secret_values: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    """primary site: secret name suffix -> JSON value (secret); empty."""
    replicate: bool = True
    """primary site: declare the dr-region replica (once the dr key exists): default True."""
    recovery_window_days: int = 30
    """Days a deleted secret can be restored: default 30."""


class Secrets(pulumi.ComponentResource):
    secret_arns: pulumi.Output[dict[str, str]]
    config_map_name: pulumi.Output[str]

    def __init__(self, name: str, args: SecretsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dtem-dr:secrets:Secrets", name, None, opts)
        p = args.placement
        tags = p.tags("secrets")
        arns = {}
        if p.is_primary:
            for suffix, value in sorted(args.secret_values.items()):
                secret = aws.secretsmanager.Secret(
                    f"{name}-{suffix}",
                    name=f"dtem/{suffix}",
                    description=f"DTEM {suffix}",
                    kms_key_id=args.key_id,
                    recovery_window_in_days=args.recovery_window_days,
                    replicas=[aws.secretsmanager.SecretReplicaArgs(region=p.peer_region, kms_key_id=args.key_id)]
                    if args.replicate
                    else [],
                    tags=tags,
                    opts=stateful(self),
                )
                aws.secretsmanager.SecretVersion(
                    f"{name}-{suffix}-value",
                    secret_id=secret.id,
                    secret_string=pulumi.Output.secret(value),
                    opts=child(self),
                )
                arns[suffix] = secret.arn
        cm = k8s.core.v1.ConfigMap(
            f"{name}-endpoints",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name="dtem-endpoints", namespace=args.namespace, labels=p.labels("secrets")
            ),
            data={
                "AWS_REGION": p.region,
                "DTEM_SITE": p.site,
                # Secrets are read by name in the pod's own region: the replica there has
                # the same name as the primary secret.
                "DTEM_SECRETS_PREFIX": "dtem/",
                **args.endpoints,
            },
            opts=child(self),
        )
        self.secret_arns = pulumi.Output.all(**arns) if arns else pulumi.Output.from_input({})
        self.config_map_name = cm.metadata.name
        self.register_outputs({"secret_arns": self.secret_arns, "config_map_name": self.config_map_name})
