"""What every component shares: where it runs (site, region, role) and how it tags.

Not a component: a small value object handed to each one, so that tags and names are
computed one way. Tags carry the component and the stack's *site* (primary / dr), never
the active/standby state: a flip that re-tagged every resource would turn a one-line
failover into an update of hundreds of resources, IAM roles included, whose control plane
lives in us-east-1 (design §4.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

TAG_COMPONENT = "dtem:component"
TAG_SITE = "dtem:site"
TAG_STACK = "dtem:stack"
TAG_PROJECT = "dtem:project"
LABEL_COMPONENT = "dtem.example.cl/component"
LABEL_SITE = "dtem.example.cl/site"


@dataclass(frozen=True, kw_only=True)
class Placement:
    """Where a component is built."""

    project: str
    """Pulumi project name."""
    stack: str
    """Stack name (`primary`, `dr`)."""
    site: str
    """`primary` (owns the global resources) or `dr`."""
    region: str
    """The stack's region: every resource is managed there."""
    peer_region: str
    """The other site's region (replication targets only; never managed from here)."""
    role: str
    """`active` or `standby`."""

    @property
    def active(self) -> bool:
        return self.role == "active"

    @property
    def is_primary(self) -> bool:
        return self.site == "primary"

    def tags(self, component: str) -> dict[str, str]:
        return {
            TAG_PROJECT: self.project,
            TAG_STACK: self.stack,
            TAG_SITE: self.site,
            TAG_COMPONENT: component,
            "managed-by": "pulumi",
        }

    def labels(self, component: str) -> dict[str, str]:
        return {LABEL_COMPONENT: component, LABEL_SITE: self.site}


def child(parent: pulumi.Resource, **kwargs) -> pulumi.ResourceOptions:
    """Options of a component's child: parented to it, so it inherits the region's provider."""
    return pulumi.ResourceOptions(parent=parent, **kwargs)


def stateful(parent: pulumi.Resource, **kwargs) -> pulumi.ResourceOptions:
    """Options of a stateful child: protected, so neither a refactor nor a destroy can
    delete it without first un-protecting it in a reviewed change (design §4.4)."""
    return pulumi.ResourceOptions(parent=parent, protect=True, **kwargs)
