"""components/cluster.py: EKS, one managed node group per AZ, the region's k8s provider."""

from __future__ import annotations

import json

import pytest

from components.cluster import KubernetesCluster, KubernetesClusterArgs
from tests.components.harness import AZS, KEY_ARN, PUBLIC_SUBNETS, SUBNETS, build
from tests.support import one


def _cluster(site, nodes, maximum):
    def make(place, opts):
        eks = KubernetesCluster(
            "kubernetes",
            KubernetesClusterArgs(
                placement=place,
                version="1.33",
                azs=AZS[site],
                private_subnet_ids=SUBNETS[site],
                public_subnet_ids=PUBLIC_SUBNETS[site],
                instance_types=["m6i.large"],
                nodes_per_az=nodes,
                max_nodes_per_az=maximum,
                key_arn=KEY_ARN[site],
            ),
            opts=opts,
        )
        return {"name": eks.cluster_name, "kubeconfig": eks.kubeconfig}

    return make


@pytest.mark.parametrize(
    ("site", "nodes", "maximum", "scaling"),
    [
        ("primary", 2, 4, {"desiredSize": 2, "minSize": 2, "maxSize": 4}),
        ("dr", 1, 4, {"desiredSize": 1, "minSize": 1, "maxSize": 4}),
        # pilot light: no node, and the group can still grow at the flip
        ("dr", 0, 0, {"desiredSize": 0, "minSize": 0, "maxSize": 1}),
    ],
)
def test_one_node_group_per_az(site, nodes, maximum, scaling):
    cap = build(_cluster(site, nodes, maximum), site=site)
    groups = sorted(cap.of_type("aws:eks/nodeGroup:NodeGroup"), key=lambda g: g.name)
    assert [g.inputs["subnetIds"] for g in groups] == [[s] for s in SUBNETS[site]]
    assert [g.inputs["tags"]["dtem:az"] for g in groups] == AZS[site]
    assert all(g.inputs["scalingConfig"] == scaling for g in groups)
    assert all(g.inputs["updateConfig"] == {"maxUnavailable": 1} for g in groups)


def test_control_plane_encrypts_secrets_and_is_protected_from_deletion():
    cap = build(_cluster("primary", 2, 4))
    eks = one(cap, "aws:eks/cluster:Cluster")
    assert eks.inputs["name"] == "dtem-us-east-1"
    assert eks.inputs["encryptionConfig"] == {"provider": {"keyArn": KEY_ARN["primary"]}, "resources": ["secrets"]}
    assert eks.inputs["deletionProtection"] is True
    assert eks.inputs["vpcConfig"]["subnetIds"] == SUBNETS["primary"] + PUBLIC_SUBNETS["primary"]
    assert eks.inputs["accessConfig"]["authenticationMode"] == "API"


def test_kubernetes_provider_talks_to_this_region_only():
    cap = build(_cluster("dr", 1, 4), site="dr")
    provider = one(cap, "pulumi:providers:kubernetes")
    assert provider.region == "us-west-2"
    user = json.loads(cap.exports["kubeconfig"])["users"][0]["user"]["exec"]
    assert user["args"][-2:] == ["--region", "us-west-2"]
    assert user["args"][user["args"].index("--cluster-name") + 1] == "dtem-us-west-2"
