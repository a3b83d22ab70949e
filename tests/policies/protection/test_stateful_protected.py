import pytest

from tests.policies.conftest import editable, messages, not_applicable

POLICY = "stateful-resource-protected"

STATEFUL = [
    ("aws:rds/globalCluster:GlobalCluster", {"globalClusterIdentifier": "dtem-global"}, "Aurora global cluster `dtem-global`"),
    ("aws:rds/cluster:Cluster", {"clusterIdentifier": "dtem-db-us-east-1"}, "RDS cluster `dtem-db-us-east-1`"),
    ("aws:rds/clusterInstance:ClusterInstance", {"identifier": "dtem-db-us-east-1a"}, "RDS instance `dtem-db-us-east-1a`"),
    ("aws:s3/bucket:Bucket", {"bucket": "dtem-files-us-east-1"}, "S3 bucket `dtem-files-us-east-1`"),
    ("aws:elasticache/replicationGroup:ReplicationGroup", {"replicationGroupId": "dtem-cache-us-east-1"}, "ElastiCache replication group `dtem-cache-us-east-1`"),
    ("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", {"globalReplicationGroupIdSuffix": "dtem"}, "ElastiCache global datastore `dtem`"),
    ("aws:mq/broker:Broker", {"brokerName": "dtem-mq-us-east-1"}, "Amazon MQ broker `dtem-mq-us-east-1`"),
    ("aws:secretsmanager/secret:Secret", {"name": "dtem/app-database"}, "secret `dtem/app-database`"),
    ("aws:kms/key:Key", {"description": "k"}, "KMS key `res`"),
    ("aws:kms/replicaKey:ReplicaKey", {"description": "k"}, "KMS replica key `res`"),
    ("aws:backup/vault:Vault", {"name": "dtem-us-east-1"}, "AWS Backup vault `dtem-us-east-1`"),
]


@pytest.mark.parametrize("type_, props, what", STATEFUL, ids=[t.split(":")[-1] for t, _, _ in STATEFUL])
def test_every_stateful_type(pack_primary, type_, props, what):
    assert messages(pack_primary.resource(type_, props, protect=True), POLICY) == []
    assert messages(pack_primary.resource(type_, props, protect=False), POLICY) == [
        f"{what} holds state and must be declared with protect=True; got protect false"
    ]


def test_shipped_stateful_resources_are_protected(pack_primary, pack_dr, topology):
    for pack, capture in ((pack_primary, topology.primary), (pack_dr, topology.dr)):
        analysis = pack.preview(editable(capture))
        assert messages(analysis, POLICY) == []


def test_stateless_types_are_not_looked_at(pack_primary):
    analysis = pack_primary.resource("aws:ec2/subnet:Subnet", {"availabilityZone": "us-east-1a"}, protect=False)
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []


def test_protect_is_read_from_the_options_not_the_properties(pack_primary):
    # Unknown property values do not matter: the option is always known.
    analysis = pack_primary.resource("aws:s3/bucket:Bucket", {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}, protect=False)
    assert messages(analysis, POLICY) == ["S3 bucket `res` holds state and must be declared with protect=True; got protect false"]
