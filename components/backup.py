"""CrossRegionBackup: AWS Backup copies of the database and the files in the other region.

Replication copies a corruption or a deletion as faithfully as it copies data; only
point-in-time copies survive that, and the loss of both live copies (L4). Each site backs
up its own resources into its own vault and copies each recovery point into the peer
site's vault, encrypted with the multi-Region key's replica there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .common import Placement, child, stateful

_ASSUME_BACKUP = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


@dataclass(frozen=True, kw_only=True)
class CrossRegionBackupArgs:
    placement: Placement
    """Site, region and role of the stack."""
    key_arn: pulumi.Input[str]
    """KMS key of this region's vault."""
    resources: list[pulumi.Input[str]]
    """ARNs backed up (the Aurora cluster, the bucket)."""
    schedule: str
    """Backup schedule (AWS Backup cron)."""
    retention_days: int
    """Days recovery points are kept, here and in the peer vault."""
    peer_vault_arn: pulumi.Input[str] | None = None
    """The peer site's vault (from its stack outputs); none until wired."""


class CrossRegionBackup(pulumi.ComponentResource):
    vault_arn: pulumi.Output[str]
    vault_name: pulumi.Output[str]
    plan_id: pulumi.Output[str]

    def __init__(self, name: str, args: CrossRegionBackupArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dtem-dr:backup:CrossRegionBackup", name, None, opts)
        p = args.placement
        tags = p.tags("backup")
        vault = aws.backup.Vault(
            f"{name}-vault",
            name=f"dtem-{p.region}",
            kms_key_arn=args.key_arn,
            force_destroy=False,
            tags=tags,
            opts=stateful(self),
        )
        lifecycle = aws.backup.PlanRuleLifecycleArgs(delete_after=args.retention_days)
        copy = (
            [aws.backup.PlanRuleCopyActionArgs(destination_vault_arn=args.peer_vault_arn, lifecycle=lifecycle)]
            if args.peer_vault_arn is not None
            else []
        )
        plan = aws.backup.Plan(
            f"{name}-plan",
            name=f"dtem-{p.region}",
            rules=[
                aws.backup.PlanRuleArgs(
                    rule_name="daily-cross-region",
                    target_vault_name=vault.name,
                    schedule=args.schedule,
                    start_window=60,
                    completion_window=360,
                    lifecycle=lifecycle,
                    copy_actions=copy,
                )
            ],
            tags=tags,
            opts=child(self),
        )
        role = aws.iam.Role(f"{name}-role", assume_role_policy=_ASSUME_BACKUP, tags=tags, opts=child(self))
        for suffix, policy in (
            ("backup", "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"),
            ("restore", "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"),
            ("s3-backup", "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup"),
            ("s3-restore", "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore"),
        ):
            aws.iam.RolePolicyAttachment(f"{name}-{suffix}", role=role.name, policy_arn=policy, opts=child(self))
        aws.backup.Selection(
            f"{name}-selection",
            name=f"dtem-{p.region}",
            plan_id=plan.id,
            iam_role_arn=role.arn,
            resources=args.resources,
            opts=child(self),
        )
        self.vault_arn = vault.arn
        self.vault_name = vault.name
        self.plan_id = plan.id
        self.register_outputs({"vault_arn": self.vault_arn, "vault_name": self.vault_name, "plan_id": self.plan_id})
