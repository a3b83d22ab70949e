"""components/object_store.py: the files bucket, replicated to the peer region once wired."""

from __future__ import annotations

import json

import pytest

from components.object_store import ObjectStore, ObjectStoreArgs
from tests.components.harness import KEY_ARN, build
from tests.support import one

PEER_BUCKET = "arn:aws:s3:::dtem-files-us-west-2"


def _store(wired=True, rtc=True):
    def make(place, opts):
        store = ObjectStore(
            "object-store",
            ObjectStoreArgs(
                placement=place,
                bucket_name="dtem-files-us-east-1",
                key_arn=KEY_ARN["primary"],
                noncurrent_version_days=30,
                replication_time_control=rtc,
                peer_bucket_arn=PEER_BUCKET if wired else None,
                peer_key_arn=KEY_ARN["dr"] if wired else None,
            ),
            opts=opts,
        )
        return {"name": store.bucket_name, "arn": store.bucket_arn}

    return make


def test_bucket_is_versioned_encrypted_private_and_protected():
    cap = build(_store(wired=False))
    bucket = one(cap, "aws:s3/bucket:Bucket")
    assert (bucket.inputs["bucket"], bucket.inputs["forceDestroy"], bucket.protect) == ("dtem-files-us-east-1", False, True)
    assert one(cap, "aws:s3/bucketVersioning:BucketVersioning").inputs["versioningConfiguration"] == {"status": "Enabled"}
    (rule,) = one(cap, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs["rules"]
    assert rule == {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN["primary"]}, "bucketKeyEnabled": True}
    block = one(cap, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert [block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")] == [True] * 4
    (life,) = one(cap, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"]
    assert life["noncurrentVersionExpiration"] == {"noncurrentDays": 30}
    assert cap.exports == {"name": "dtem-files-us-east-1", "arn": "arn:aws:s3:::dtem-files-us-east-1"}


def test_not_wired_means_no_replication():
    cap = build(_store(wired=False))
    assert cap.of_type("aws:s3/bucketReplicationConfig:BucketReplicationConfig") == []
    assert cap.of_type("aws:iam/role:Role") == []


@pytest.mark.parametrize(
    ("rtc", "time", "metrics"),
    [
        (True, {"status": "Enabled", "time": {"minutes": 15}}, {"status": "Enabled", "eventThreshold": {"minutes": 15}}),
        (False, None, None),
    ],
)
def test_replication_to_the_peer(rtc, time, metrics):
    cap = build(_store(rtc=rtc))
    config = one(cap, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")
    (rule,) = config.inputs["rules"]
    assert rule["id"] == "to-us-west-2" and rule["status"] == "Enabled"
    assert rule["deleteMarkerReplication"] == {"status": "Enabled"}
    assert rule["sourceSelectionCriteria"] == {
        "sseKmsEncryptedObjects": {"status": "Enabled"},
        "replicaModifications": {"status": "Enabled"},
    }
    dest = rule["destination"]
    assert dest["bucket"] == PEER_BUCKET
    assert dest["encryptionConfiguration"] == {"replicaKmsKeyId": KEY_ARN["dr"]}
    assert dest.get("replicationTime") == time and dest.get("metrics") == metrics
    # Replication needs versioning first.
    versioning = one(cap, "aws:s3/bucketVersioning:BucketVersioning")
    assert versioning.urn in config.dependencies


def test_replication_role_is_least_privilege():
    cap = build(_store())
    policy = json.loads(one(cap, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    own = "arn:aws:s3:::dtem-files-us-east-1"
    by_resource = {}
    for statement in policy["Statement"]:
        for resource in statement["Resource"]:
            by_resource.setdefault(resource, set()).update(statement["Action"])
    assert by_resource == {
        own: {"s3:GetReplicationConfiguration", "s3:ListBucket"},
        f"{own}/*": {"s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"},
        f"{PEER_BUCKET}/*": {"s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"},
        KEY_ARN["primary"]: {"kms:Decrypt"},
        KEY_ARN["dr"]: {"kms:Encrypt", "kms:GenerateDataKey"},
    }
    assert json.loads(one(cap, "aws:iam/role:Role").inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {"Service": "s3.amazonaws.com"}
