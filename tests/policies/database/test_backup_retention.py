import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable

POLICY = "aurora-backup-retention"
CLUSTER = "aws:rds/cluster:Cluster"
BASE = {"clusterIdentifier": "dtem-db-us-east-1", "backupRetentionPeriod": 14}


@pytest.mark.parametrize(
    "props, expected",
    [
        (BASE, []),
        ({**BASE, "backupRetentionPeriod": 7}, []),
        ({**BASE, "backupRetentionPeriod": 1}, ["RDS cluster `dtem-db-us-east-1` must keep backups ≥ 7 days; got 1"]),
        ({**BASE, "backupRetentionPeriod": 6}, ["RDS cluster `dtem-db-us-east-1` must keep backups ≥ 7 days; got 6"]),
        (
            {"clusterIdentifier": "dtem-db-us-east-1"},
            ["RDS cluster `dtem-db-us-east-1` must keep backups ≥ 7 days; got unset (AWS default 1)"],
        ),
        ({"backupRetentionPeriod": 2}, ["RDS cluster `res` must keep backups ≥ 7 days; got 2"]),
    ],
    ids=["shipped-14", "at-floor", "one-day", "below-floor", "property-missing", "no-identifier-uses-name"],
)
def test_messages(pack_primary, props, expected):
    assert messages(pack_primary.resource(CLUSTER, props), POLICY) == expected


def test_unknown_during_preview_is_skipped(pack_primary):
    analysis = pack_primary.resource(CLUSTER, {**BASE, "backupRetentionPeriod": UNKNOWN})
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["`backupRetentionPeriod` is computed during preview; checked again when it is known"]


def test_other_types_are_not_looked_at(pack_primary):
    analysis = pack_primary.resource("aws:rds/clusterInstance:ClusterInstance", {"backupRetentionPeriod": 1})
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []


def test_the_floor_comes_from_the_policy_config(pack_primary):
    with pack_primary.configured({POLICY: {"minimumRetentionDays": 21}}):
        analysis = pack_primary.resource(CLUSTER, BASE)
    assert messages(analysis, POLICY) == ["RDS cluster `dtem-db-us-east-1` must keep backups ≥ 21 days; got 14"]
