"""Pods pull their images from a registry in their own region."""

import re

from ...resources import DEPLOYMENT
from ..base import ADVISORY, Rule
from ._pods import containers

_ECR = re.compile(r"^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/")


def check(res, ctx, cfg):
    own = res.region or ctx.region
    for c in containers(res):
        image = c.get("image")
        m = _ECR.match(image) if isinstance(image, str) else None
        if m and m.group(1) != own:
            yield (
                f"Deployment `{res.label}` pulls `{image}` from the registry in {m.group(1)}: while {m.group(1)} is down, "
                f"new pods in {own} cannot pull it (scale-up after a failover fails)"
            )


POLICY = Rule(
    name="k8s-image-registry-in-region",
    area="kubernetes",
    description="Containers pull their images from an ECR registry in their own region.",
    why="The dr region must scale up while the primary region is down (L3); pods that pull from the primary region's "
    "ECR can only run where the image is already cached.",
    remediation="Replicate the repository to the dr region (ECR replication configuration) and point each region's "
    "Deployments at their own region's registry.",
    severity="medium",
    enforcement=ADVISORY,
    tags=("kubernetes", "L3"),
    types=(DEPLOYMENT,),
    check=check,
)
