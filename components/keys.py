"""RegionalKey: the KMS multi-Region key every stateful resource is encrypted with.

The primary site owns the multi-Region primary key; the dr site holds its replica, which
shares the key material and key id, so data replicated across regions (Aurora, S3,
secrets, snapshot copies) stays decryptable in the DR region when the primary is gone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .common import Placement, stateful


@dataclass(frozen=True, kw_only=True)
class RegionalKeyArgs:
    placement: Placement
    """Site, region and role of the stack."""
    primary_key_arn: pulumi.Input[str] | None = None
    """dr site only: ARN of the primary site's multi-Region key to replicate; none."""
    deletion_window_days: int = 30
    """Days a scheduled key deletion can be cancelled: default 30 (the maximum)."""


class RegionalKey(pulumi.ComponentResource):
    key_arn: pulumi.Output[str]
    key_id: pulumi.Output[str]

    def __init__(self, name: str, args: RegionalKeyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dtem-dr:keys:RegionalKey", name, None, opts)
        p = args.placement
        tags = p.tags("keys")
        if p.is_primary:
            key = aws.kms.Key(
                f"{name}-primary",
                description="DTEM DR: multi-Region key of the primary site",
                multi_region=True,
                enable_key_rotation=True,
                deletion_window_in_days=args.deletion_window_days,
                tags=tags,
                opts=stateful(self),
            )
        else:
            if args.primary_key_arn is None:
                raise ValueError("RegionalKey on the dr site needs primary_key_arn")
            # ReplicateKey is called once, at creation (first deployment); reading and
            # updating the replica afterwards only call KMS in this region.
            key = aws.kms.ReplicaKey(
                f"{name}-replica",
                description="DTEM DR: replica of the primary site's multi-Region key",
                primary_key_arn=args.primary_key_arn,
                deletion_window_in_days=args.deletion_window_days,
                tags=tags,
                opts=stateful(self),
            )
        self.key_arn = key.arn
        self.key_id = key.key_id
        self.register_outputs({"key_arn": self.key_arn, "key_id": self.key_id})
