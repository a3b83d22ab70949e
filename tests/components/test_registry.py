"""components/registry.py: ECR repositories owned by the primary site, replicated to dr."""

from __future__ import annotations

from components.registry import ImageRegistry, ImageRegistryArgs
from tests.components.harness import KEY_ARN, build
from tests.support import one


def _registry(place, opts):
    reg = ImageRegistry(
        "registry",
        ImageRegistryArgs(placement=place, prefix="dtem", services=["api", "web"], key_arn=KEY_ARN["primary"]),
        opts=opts,
    )
    return {"urls": reg.repository_urls}


def test_one_immutable_encrypted_repository_per_service():
    cap = build(_registry)
    repos = {r.inputs["name"]: r for r in cap.of_type("aws:ecr/repository:Repository")}
    assert sorted(repos) == ["dtem/api", "dtem/web"]
    for repo in repos.values():
        assert repo.inputs["imageTagMutability"] == "IMMUTABLE"
        assert repo.inputs["encryptionConfigurations"] == [{"encryptionType": "KMS", "kmsKey": KEY_ARN["primary"]}]
        assert repo.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
        assert repo.region == "us-east-1"
    assert cap.exports["urls"] == {
        "api": "123456789012.dkr.ecr.us-east-1.amazonaws.com/dtem/api",
        "web": "123456789012.dkr.ecr.us-east-1.amazonaws.com/dtem/web",
    }


def test_images_replicate_to_the_dr_region_only_for_the_prefix():
    cap = build(_registry)
    rule = one(cap, "aws:ecr/replicationConfiguration:ReplicationConfiguration").inputs["replicationConfiguration"]["rules"]
    assert rule == [
        {
            "destinations": [{"region": "us-west-2", "registryId": "123456789012"}],
            "repositoryFilters": [{"filter": "dtem/", "filterType": "PREFIX_MATCH"}],
        }
    ]


def test_each_region_pulls_from_its_own_registry(topology):
    for stack, region in (("primary", "us-east-1"), ("dr", "us-west-2")):
        images = {
            c["image"]
            for d in topology[stack].of_type("kubernetes:apps/v1:Deployment")
            for c in d.inputs["spec"]["template"]["spec"]["containers"]
        }
        assert images and all(i.startswith(f"123456789012.dkr.ecr.{region}.amazonaws.com/dtem/") for i in images), images
    assert topology.dr.of_type("aws:ecr/repository:Repository") == []
