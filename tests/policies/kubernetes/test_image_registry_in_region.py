from tests.policies.conftest import UNKNOWN, messages, not_applicable
from tests.policies.kubernetes._deployment import deployment, pod_spec

POLICY = "k8s-image-registry-in-region"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/dtem/api-gateway:2026.12.1"


def _image(image):
    d = deployment()
    pod_spec(d)["containers"][0]["image"] = image
    return d


def test_an_image_in_the_stack_region(pack_primary):
    assert messages(pack_primary.resource(DEPLOYMENT, _image(IMAGE)), POLICY) == []


def test_an_image_in_the_other_region_is_reported_as_advisory(pack_dr):
    analysis = pack_dr.resource(DEPLOYMENT, _image(IMAGE))
    assert messages(analysis, POLICY) == [
        f"Deployment `dtem/api-gateway` pulls `{IMAGE}` from the registry in us-east-1: while us-east-1 is down, new pods in "
        "us-west-2 cannot pull it (scale-up after a failover fails)"
    ]
    assert {d.enforcement for d in analysis.diagnostics if d.policy == POLICY} == {"advisory"}


def test_images_outside_ecr_and_missing_images_are_not_judged(pack_dr):
    assert messages(pack_dr.resource(DEPLOYMENT, _image("nginx:1.27")), POLICY) == []
    d = deployment()
    pod_spec(d)["containers"][0].pop("image")
    assert messages(pack_dr.resource(DEPLOYMENT, d), POLICY) == []


def test_unknown_containers_during_preview_are_skipped(pack_dr):
    d = deployment()
    pod_spec(d)["containers"] = UNKNOWN
    analysis = pack_dr.resource(DEPLOYMENT, d)
    assert not_applicable(analysis, POLICY) == ["`spec.template.spec.containers` is computed during preview; checked again when it is known"]


def test_other_types_are_not_looked_at(pack_dr):
    analysis = pack_dr.resource("kubernetes:batch/v1:Job", _image(IMAGE))
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
