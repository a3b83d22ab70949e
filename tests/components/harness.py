"""Build one component offline, through the same engine as the whole program.

`build(make, site=..., role=...)` runs `make(placement, opts)` as a Pulumi program under
`drctl.engine.run_program` (the one set of mocks), with the site's explicit AWS provider in
`opts` -- and a Kubernetes provider when asked -- and returns the `Capture`. Whatever
`make` returns (a mapping of names to outputs) is exported, so a test can read a
component's outputs from `capture.exports`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pulumi

from components.common import Placement
from drctl.engine import Capture, run_program

REGIONS = {"primary": "us-east-1", "dr": "us-west-2"}
AZS = {site: [f"{region}{c}" for c in "abc"] for site, region in REGIONS.items()}
KEY_ARN = {site: f"arn:aws:kms:{region}:123456789012:key/mrk-0123456789abcdef0123456789abcdef" for site, region in REGIONS.items()}
KEY_ID = "mrk-0123456789abcdef0123456789abcdef"
SUBNETS = {site: [f"subnet-{site}-{az[-1]}" for az in AZS[site]] for site in REGIONS}
PUBLIC_SUBNETS = {site: [f"subnet-{site}-public-{az[-1]}" for az in AZS[site]] for site in REGIONS}


def placement(site: str = "primary", role: str | None = None) -> Placement:
    other = "dr" if site == "primary" else "primary"
    return Placement(
        project="dtem-dr",
        stack=site,
        site=site,
        region=REGIONS[site],
        peer_region=REGIONS[other],
        role=role or ("active" if site == "primary" else "standby"),
    )


def build(
    make: Callable[[Placement, pulumi.ResourceOptions], Mapping[str, Any] | None],
    *,
    site: str = "primary",
    role: str | None = None,
    kubernetes: bool = False,
    peer_outputs: dict[str, Any] | None = None,
) -> Capture:
    place = placement(site, role)

    def program() -> None:
        import pulumi_aws as aws

        providers: dict[str, pulumi.ProviderResource] = {"aws": aws.Provider(f"aws-{place.region}", region=place.region)}
        if kubernetes:
            import pulumi_kubernetes as k8s

            providers["kubernetes"] = k8s.Provider(f"k8s-{place.region}", kubeconfig="{}")
        outputs = make(place, pulumi.ResourceOptions(providers=providers)) or {}
        for name, value in outputs.items():
            pulumi.export(name, value)

    return run_program(program, project="dtem-dr", stack=site, peer_outputs=peer_outputs)
