"""ObjectStore: the files bucket of one region, replicated to the other one.

Versioned, KMS-encrypted, private. Replication runs in both directions (primary -> dr for
recovery, dr -> primary so that failback finds the files written while failed over), with
Replication Time Control (99.99 % of objects within 15 minutes, S3 User Guide
"replication-time-control"), its metrics, delete markers and replica modifications.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .common import Placement, child, stateful

_ASSUME_S3 = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


@dataclass(frozen=True, kw_only=True)
class ObjectStoreArgs:
    placement: Placement
    """Site, region and role of the stack."""
    bucket_name: str
    """This region's bucket name (globally unique)."""
    key_arn: pulumi.Input[str]
    """KMS key of this region."""
    noncurrent_version_days: int = 90
    """Days old versions are kept: default 90."""
    replication_time_control: bool = True
    """Replication Time Control and metrics: default on."""
    peer_bucket_arn: pulumi.Input[str] | None = None
    """The peer region's bucket (from its stack outputs); none until wired."""
    peer_key_arn: pulumi.Input[str] | None = None
    """The peer region's KMS key, to encrypt the replicas there; none until wired."""


class ObjectStore(pulumi.ComponentResource):
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ObjectStoreArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dtem-dr:object_store:ObjectStore", name, None, opts)
        p = args.placement
        tags = p.tags("objectStore")
        bucket = aws.s3.Bucket(f"{name}-bucket", bucket=args.bucket_name, force_destroy=False, tags=tags, opts=stateful(self))
        versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=child(self),
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="aws:kms", kms_master_key_id=args.key_arn
                    ),
                    bucket_key_enabled=True,
                )
            ],
            opts=child(self),
        )
        aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child(self),
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-noncurrent",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=args.noncurrent_version_days
                    ),
                )
            ],
            opts=child(self, depends_on=[versioning]),
        )

        if args.peer_bucket_arn is not None and args.peer_key_arn is not None:
            role = aws.iam.Role(f"{name}-replication-role", assume_role_policy=_ASSUME_S3, tags=tags, opts=child(self))
            # Least privilege: read this bucket and its key, write the peer bucket and key.
            aws.iam.RolePolicy(
                f"{name}-replication-policy",
                role=role.id,
                policy=pulumi.Output.all(bucket.arn, args.peer_bucket_arn, args.key_arn, args.peer_key_arn).apply(
                    lambda v: json.dumps(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": [v[0]]},
                                {
                                    "Effect": "Allow",
                                    "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                                    "Resource": [f"{v[0]}/*"],
                                },
                                {
                                    "Effect": "Allow",
                                    "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                                    "Resource": [f"{v[1]}/*"],
                                },
                                {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [v[2]]},
                                {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:GenerateDataKey"], "Resource": [v[3]]},
                            ],
                        }
                    )
                ),
                opts=child(self),
            )
            rtc = args.replication_time_control
            aws.s3.BucketReplicationConfig(
                f"{name}-replication",
                bucket=bucket.id,
                role=role.arn,
                rules=[
                    aws.s3.BucketReplicationConfigRuleArgs(
                        id=f"to-{p.peer_region}",
                        status="Enabled",
                        priority=1,
                        filter=aws.s3.BucketReplicationConfigRuleFilterArgs(prefix=""),
                        delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(status="Enabled"),
                        source_selection_criteria=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
                            sse_kms_encrypted_objects=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(status="Enabled"),
                            # Two-way replication: changes made to replicas flow back too.
                            replica_modifications=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaReplicaModificationsArgs(status="Enabled"),
                        ),
                        destination=aws.s3.BucketReplicationConfigRuleDestinationArgs(
                            bucket=args.peer_bucket_arn,
                            storage_class="STANDARD",
                            encryption_configuration=aws.s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs(
                                replica_kms_key_id=args.peer_key_arn
                            ),
                            replication_time=aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeArgs(
                                status="Enabled" if rtc else "Disabled",
                                time=aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeTimeArgs(minutes=15),
                            )
                            if rtc
                            else None,
                            metrics=aws.s3.BucketReplicationConfigRuleDestinationMetricsArgs(
                                status="Enabled",
                                event_threshold=aws.s3.BucketReplicationConfigRuleDestinationMetricsEventThresholdArgs(minutes=15),
                            )
                            if rtc
                            else None,
                        ),
                    )
                ],
                # Replication requires versioning to be enabled first.
                opts=child(self, depends_on=[versioning]),
            )
        self.bucket_name = bucket.bucket
        self.bucket_arn = bucket.arn
        self.register_outputs({"bucket_name": self.bucket_name, "bucket_arn": self.bucket_arn})
