"""components/database.py: the Aurora global database, one instance per AZ."""

from __future__ import annotations

import pytest

from components.database import GlobalDatabase, GlobalDatabaseArgs
from drctl.engine import SECRET_MARK
from tests.components.harness import AZS, KEY_ARN, SUBNETS, build
from tests.support import one


def _database(site, **extra):
    def make(place, opts):
        import pulumi

        args = dict(
            placement=place,
            azs=AZS[site],
            vpc_id="vpc-1",
            vpc_cidr="10.0.0.0/16",
            subnet_ids=SUBNETS[site],
            key_arn=KEY_ARN[site],
            engine_version="16.6",
            instance_class="db.r6g.large",
            database_name="dtem",
            master_username="dtem_admin",
        )
        if site == "primary":
            args["master_password"] = pulumi.Output.secret("s3cret-password")
        db = GlobalDatabase("database", GlobalDatabaseArgs(**{**args, **extra}), opts=opts)
        return {"endpoint": db.endpoint, "global": db.global_cluster_id} if db.global_cluster_id else {"endpoint": db.endpoint}

    return make


def test_primary_owns_the_global_cluster_and_the_writer():
    cap = build(_database("primary"))
    gc = one(cap, "aws:rds/globalCluster:GlobalCluster")
    cluster = one(cap, "aws:rds/cluster:Cluster")
    assert gc.inputs["globalClusterIdentifier"] == "dtem-global" and gc.protect is True
    assert cluster.inputs["globalClusterIdentifier"] == gc.id == cap.exports["global"]
    assert cluster.inputs["masterUsername"] == "dtem_admin"
    assert cluster.inputs["masterPassword"] == SECRET_MARK
    assert "manageMasterUserPassword" not in cluster.inputs
    assert cluster.ignore_changes == []


@pytest.mark.parametrize("site", ["primary", "dr"])
def test_one_instance_per_az(site):
    extra = {"global_cluster_id": "dtem-global"} if site == "dr" else {}
    cap = build(_database(site, **extra), site=site)
    instances = sorted(cap.of_type("aws:rds/clusterInstance:ClusterInstance"), key=lambda i: i.inputs["promotionTier"])
    assert [i.inputs["availabilityZone"] for i in instances] == AZS[site]
    assert [i.inputs["promotionTier"] for i in instances] == [0, 1, 2]
    assert all(i.protect is True and i.inputs["publiclyAccessible"] is False for i in instances)


def test_dr_secondary_has_no_credentials_and_ignores_the_replication_source():
    cap = build(_database("dr", global_cluster_id="dtem-global"), site="dr")
    cluster = one(cap, "aws:rds/cluster:Cluster")
    assert cluster.inputs["globalClusterIdentifier"] == "dtem-global"
    assert not {"masterUsername", "masterPassword", "databaseName"} & set(cluster.inputs)
    assert cluster.ignore_changes == ["replicationSourceIdentifier"]
    assert cluster.protect is True
    assert cap.of_type("aws:rds/globalCluster:GlobalCluster") == []


def test_dr_standby_needs_the_global_cluster():
    with pytest.raises(ValueError, match="needs global_cluster_id"):
        build(_database("dr"), site="dr")


# ForceNew inputs of aws.rds.Cluster (design §6): a flip that changed one would replace
# the database.
FORCE_NEW = ("engine", "engineMode", "clusterIdentifier", "databaseName", "masterUsername", "dbSubnetGroupName", "availabilityZones", "kmsKeyId", "storageEncrypted")


def test_detach_and_promote_changes_only_the_global_membership():
    standby = one(build(_database("dr", global_cluster_id="dtem-global"), site="dr"), "aws:rds/cluster:Cluster")
    detached = one(build(_database("dr", detached=True), site="dr", role="active"), "aws:rds/cluster:Cluster")
    assert "globalClusterIdentifier" not in detached.inputs
    assert {k: standby.inputs.get(k) for k in FORCE_NEW} == {k: detached.inputs.get(k) for k in FORCE_NEW}
    assert detached.urn == standby.urn
    assert detached.ignore_changes == ["replicationSourceIdentifier"]


@pytest.mark.parametrize(("rpo", "parameters"), [(None, []), (20, [{"name": "rds.global_db_rpo", "value": "20"}])])
def test_global_db_rpo_parameter(rpo, parameters):
    cap = build(_database("primary", global_db_rpo_seconds=rpo))
    group = one(cap, "aws:rds/clusterParameterGroup:ClusterParameterGroup")
    assert group.inputs.get("parameters", []) == parameters
    assert group.inputs["family"] == "aurora-postgresql16"


def test_backups_snapshots_and_encryption():
    cluster = one(build(_database("primary", backup_retention_days=21)), "aws:rds/cluster:Cluster").inputs
    assert cluster["backupRetentionPeriod"] == 21
    assert (cluster["storageEncrypted"], cluster["kmsKeyId"]) == (True, KEY_ARN["primary"])
    assert (cluster["deletionProtection"], cluster["skipFinalSnapshot"], cluster["copyTagsToSnapshot"]) == (True, False, True)
    assert cluster["finalSnapshotIdentifier"] == "dtem-db-us-east-1-final"
