import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable

POLICY = "elasticache-snapshot-retention"
GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
PREFIX = "ElastiCache replication group `dtem-cache-us-east-1` must keep snapshots ≥ 7 days; got "


@pytest.mark.parametrize(
    "props, expected",
    [
        ({"replicationGroupId": "dtem-cache-us-east-1", "snapshotRetentionLimit": 7}, []),
        ({"replicationGroupId": "dtem-cache-us-east-1", "snapshotRetentionLimit": 0}, [PREFIX + "0"]),
        ({"replicationGroupId": "dtem-cache-us-east-1", "snapshotRetentionLimit": 3}, [PREFIX + "3"]),
        ({"replicationGroupId": "dtem-cache-us-east-1"}, [PREFIX + "unset (AWS default 0: no snapshots)"]),
    ],
    ids=["seven", "disabled", "below-floor", "property-missing"],
)
def test_messages(pack_primary, props, expected):
    assert messages(pack_primary.resource(GROUP, props), POLICY) == expected


def test_the_schema_default_floor_is_one_day(pack_primary):
    # Without policies/config.json (the CLI fills the schema default): snapshots on at all.
    with pack_primary.configured({POLICY: {"minimumRetentionDays": 1}}):
        assert messages(pack_primary.resource(GROUP, {"snapshotRetentionLimit": 3}), POLICY) == []


def test_unknown_during_preview_is_skipped(pack_primary):
    analysis = pack_primary.resource(GROUP, {"snapshotRetentionLimit": UNKNOWN})
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["`snapshotRetentionLimit` is computed during preview; checked again when it is known"]


def test_other_types_are_not_looked_at(pack_primary):
    analysis = pack_primary.resource("aws:rds/cluster:Cluster", {"snapshotRetentionLimit": 0})
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
