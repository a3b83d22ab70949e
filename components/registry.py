"""ImageRegistry: the workloads' ECR repositories, replicated to the DR region.

The dr region must be able to scale up while the primary region is down (L3); a pod that
pulls its image from the primary region's registry only starts where the image is already
cached. The primary site owns the repositories and a registry replication rule that copies
every pushed image to the dr region; each region's Deployments pull from their own region.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .common import Placement, child


@dataclass(frozen=True, kw_only=True)
class ImageRegistryArgs:
    placement: Placement
    """Site, region and role of the stack (the primary site)."""
    prefix: str
    """Repository prefix: repositories are `<prefix>/<service>`."""
    services: list[str]
    """One repository per service."""
    key_arn: pulumi.Input[str]
    """KMS key encrypting the images at rest."""


class ImageRegistry(pulumi.ComponentResource):
    repository_urls: pulumi.Output[dict[str, str]]

    def __init__(self, name: str, args: ImageRegistryArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dtem-dr:registry:ImageRegistry", name, None, opts)
        p = args.placement
        tags = p.tags("registry")
        urls = {}
        for svc in args.services:
            repo = aws.ecr.Repository(
                f"{name}-{svc}",
                name=f"{args.prefix}/{svc}",
                # Immutable tags: the image both regions run for a tag is the same image.
                image_tag_mutability="IMMUTABLE",
                image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
                encryption_configurations=[aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=args.key_arn)],
                force_delete=False,
                tags=tags,
                opts=child(self),
            )
            urls[svc] = repo.repository_url
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOptions(parent=self))
        # One replication configuration per registry and region (ECR): this resource owns
        # the registry's rules. Replicated repositories are created by ECR in the
        # destination; images pushed before the rule existed are not copied.
        aws.ecr.ReplicationConfiguration(
            f"{name}-replication",
            replication_configuration=aws.ecr.ReplicationConfigurationReplicationConfigurationArgs(
                rules=[
                    aws.ecr.ReplicationConfigurationReplicationConfigurationRuleArgs(
                        destinations=[
                            aws.ecr.ReplicationConfigurationReplicationConfigurationRuleDestinationArgs(
                                region=p.peer_region, registry_id=account.account_id
                            )
                        ],
                        repository_filters=[
                            aws.ecr.ReplicationConfigurationReplicationConfigurationRuleRepositoryFilterArgs(
                                filter=f"{args.prefix}/", filter_type="PREFIX_MATCH"
                            )
                        ],
                    )
                ]
            ),
            opts=child(self),
        )
        self.repository_urls = pulumi.Output.all(**urls)
        self.register_outputs({"repository_urls": self.repository_urls})
