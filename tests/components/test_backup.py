"""components/backup.py: AWS Backup into this region's vault, copies into the peer's."""

from __future__ import annotations

import pytest

from components.backup import CrossRegionBackup, CrossRegionBackupArgs
from tests.components.harness import KEY_ARN, build
from tests.support import one

PEER_VAULT = "arn:aws:backup:us-west-2:123456789012:backup-vault:dtem-us-west-2"
RESOURCES = ["arn:aws:rds:us-east-1:123456789012:cluster:dtem-db-us-east-1", "arn:aws:s3:::dtem-files-us-east-1"]


def _backup(peer_vault_arn):
    def make(place, opts):
        b = CrossRegionBackup(
            "backup",
            CrossRegionBackupArgs(
                placement=place,
                key_arn=KEY_ARN["primary"],
                resources=RESOURCES,
                schedule="cron(0 5 ? * * *)",
                retention_days=35,
                peer_vault_arn=peer_vault_arn,
            ),
            opts=opts,
        )
        return {"vault": b.vault_arn}

    return make


@pytest.mark.parametrize(("peer", "copies"), [(None, []), (PEER_VAULT, [PEER_VAULT])])
def test_copies_go_to_the_peer_vault_once_wired(peer, copies):
    cap = build(_backup(peer))
    (rule,) = one(cap, "aws:backup/plan:Plan").inputs["rules"]
    assert [c["destinationVaultArn"] for c in rule.get("copyActions", [])] == copies
    assert all(c["lifecycle"] == {"deleteAfter": 35} for c in rule.get("copyActions", []))
    assert rule["lifecycle"] == {"deleteAfter": 35}
    assert rule["schedule"] == "cron(0 5 ? * * *)"


def test_vault_is_encrypted_protected_and_kept():
    cap = build(_backup(None))
    vault = one(cap, "aws:backup/vault:Vault")
    assert (vault.inputs["kmsKeyArn"], vault.inputs["forceDestroy"], vault.protect) == (KEY_ARN["primary"], False, True)
    selection = one(cap, "aws:backup/selection:Selection")
    assert selection.inputs["resources"] == RESOURCES
    role = one(cap, "aws:iam/role:Role")
    assert selection.inputs["iamRoleArn"] == role.outputs["arn"]
    attached = sorted(a.inputs["policyArn"].rsplit("/", 1)[1] for a in cap.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"))
    assert attached == [
        "AWSBackupServiceRolePolicyForBackup",
        "AWSBackupServiceRolePolicyForRestores",
        "AWSBackupServiceRolePolicyForS3Backup",
        "AWSBackupServiceRolePolicyForS3Restore",
    ]
