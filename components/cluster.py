"""KubernetesCluster: the EKS control plane and one managed node group per AZ.

A node group per AZ (rather than one spanning three) keeps each AZ's capacity explicit:
losing an AZ (L2) leaves two groups whose size is known, and the flip scales each one to
its active size. The pulumi-kubernetes provider is built from the cluster's own outputs, so
the workloads of this region never talk to another region's API server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from .common import Placement, child

_ASSUME_EKS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}],
    }
)
_ASSUME_EC2 = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)
_NODE_POLICIES = (
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
)


@dataclass(frozen=True, kw_only=True)
class KubernetesClusterArgs:
    placement: Placement
    """Site, region and role of the stack."""
    version: str
    """Kubernetes version of the control plane and the node groups."""
    azs: list[str]
    """One managed node group per AZ, in this order."""
    private_subnet_ids: pulumi.Input[list[str]]
    """Private subnets, one per AZ, in the order of `azs`."""
    public_subnet_ids: pulumi.Input[list[str]]
    """Public subnets (load balancers)."""
    instance_types: list[str]
    """Node instance types."""
    nodes_per_az: int
    """Desired nodes per AZ for the stack's role."""
    max_nodes_per_az: int
    """Upper bound per AZ (the active size, at least)."""
    key_arn: pulumi.Input[str]
    """KMS key for envelope encryption of Kubernetes secrets."""


class KubernetesCluster(pulumi.ComponentResource):
    cluster_name: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    kubeconfig: pulumi.Output[str]
    provider: k8s.Provider

    def __init__(self, name: str, args: KubernetesClusterArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dtem-dr:cluster:KubernetesCluster", name, None, opts)
        p = args.placement
        tags = p.tags("kubernetes")
        # IAM roles are created once, at deployment; nothing in the flip touches them.
        cluster_role = aws.iam.Role(f"{name}-cluster-role", assume_role_policy=_ASSUME_EKS, tags=tags, opts=child(self))
        aws.iam.RolePolicyAttachment(
            f"{name}-cluster-policy",
            role=cluster_role.name,
            policy_arn="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
            opts=child(self),
        )
        node_role = aws.iam.Role(f"{name}-node-role", assume_role_policy=_ASSUME_EC2, tags=tags, opts=child(self))
        for i, arn in enumerate(_NODE_POLICIES):
            aws.iam.RolePolicyAttachment(f"{name}-node-policy-{i}", role=node_role.name, policy_arn=arn, opts=child(self))

        cluster = aws.eks.Cluster(
            f"{name}-eks",
            name=f"dtem-{p.region}",
            version=args.version,
            role_arn=cluster_role.arn,
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=pulumi.Output.all(args.private_subnet_ids, args.public_subnet_ids).apply(lambda s: [*s[0], *s[1]]),
                endpoint_private_access=True,
                endpoint_public_access=True,
            ),
            access_config=aws.eks.ClusterAccessConfigArgs(
                authentication_mode="API", bootstrap_cluster_creator_admin_permissions=True
            ),
            encryption_config=aws.eks.ClusterEncryptionConfigArgs(
                provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=args.key_arn),
                resources=["secrets"],
            ),
            enabled_cluster_log_types=["api", "audit", "authenticator"],
            # ARC zonal shift: an AZ in trouble (L2) can be drained of load-balancer
            # traffic on the data plane, without touching this program.
            zonal_shift_config=aws.eks.ClusterZonalShiftConfigArgs(enabled=True),
            deletion_protection=True,
            tags=tags,
            opts=child(self),
        )

        subnets = pulumi.Output.from_input(args.private_subnet_ids)
        for i, az in enumerate(args.azs):
            aws.eks.NodeGroup(
                f"{name}-nodes-{az}",
                cluster_name=cluster.name,
                node_group_name=f"dtem-{az}",
                node_role_arn=node_role.arn,
                subnet_ids=subnets.apply(lambda ids, i=i: [ids[i]]),
                instance_types=args.instance_types,
                # desired == min: the flip raises both, so a scale-down by an autoscaler
                # cannot undercut the active size.
                scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                    desired_size=args.nodes_per_az,
                    min_size=args.nodes_per_az,
                    max_size=max(args.max_nodes_per_az, 1),
                ),
                update_config=aws.eks.NodeGroupUpdateConfigArgs(max_unavailable=1),
                # Not topology.kubernetes.io/zone: the node group API refuses labels under
                # kubernetes.io/, k8s.io/ and eks.amazonaws.com/, and the kubelet sets the
                # zone label itself (aws/containers-roadmap#1451).
                labels={**p.labels("kubernetes"), "dtem.example.cl/az": az},
                tags={**tags, "dtem:az": az},
                opts=child(self),
            )

        # Token from the AWS CLI of whoever runs `pulumi up`, against this region's cluster.
        self.kubeconfig = pulumi.Output.all(cluster.name, cluster.endpoint, cluster.certificate_authority.data).apply(
            lambda v: json.dumps(
                {
                    "apiVersion": "v1",
                    "kind": "Config",
                    "clusters": [{"name": v[0], "cluster": {"server": v[1], "certificate-authority-data": v[2]}}],
                    "contexts": [{"name": v[0], "context": {"cluster": v[0], "user": v[0]}}],
                    "current-context": v[0],
                    "users": [
                        {
                            "name": v[0],
                            "user": {
                                "exec": {
                                    "apiVersion": "client.authentication.k8s.io/v1beta1",
                                    "command": "aws",
                                    "args": ["eks", "get-token", "--cluster-name", v[0], "--region", p.region],
                                }
                            },
                        }
                    ],
                }
            )
        )
        self.provider = k8s.Provider(
            f"{name}-k8s",
            kubeconfig=self.kubeconfig,
            enable_server_side_apply=True,
            opts=child(self),
        )
        self.cluster_name = cluster.name
        self.endpoint = cluster.endpoint
        self.register_outputs(
            {"cluster_name": self.cluster_name, "endpoint": self.endpoint, "kubeconfig": self.kubeconfig}
        )
