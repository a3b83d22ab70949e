import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable, with_config

POLICY = "s3-replication-time-control"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
RTC = {"status": "Enabled", "time": {"minutes": 15}}
METRICS = {"status": "Enabled", "eventThreshold": {"minutes": 15}}


def _config(rtc=RTC, metrics=METRICS, status="Enabled"):
    destination = {"bucket": "arn:aws:s3:::dtem-files-us-west-2"}
    if rtc is not None:
        destination["replicationTime"] = rtc
    if metrics is not None:
        destination["metrics"] = metrics
    return {"bucket": "dtem-files-us-east-1", "rules": [{"id": "to-us-west-2", "status": status, "destination": destination}]}


@pytest.fixture(scope="module")
def pack_15m(packs, topology):
    """The primary stack with an objectStore L3 RPO target of 15 minutes."""
    return packs.get(
        "primary",
        with_config(topology.primary.config, topology=lambda t: t["objectStore"].update(rpo={"default": "15m", "L1": "0s", "L2": "0s"})),
    )


PREFIX = (
    "S3 replication rule `to-us-west-2` of bucket `dtem-files-us-east-1` must enable Replication Time Control and its "
    "metrics (objectStore L3 RPO target 15m ≤ 15m; RTC replicates 99.99 % of objects within 15 minutes); got "
)


@pytest.mark.parametrize(
    "props, expected",
    [
        (_config(), []),
        (_config(status="Disabled", rtc=None, metrics=None), []),
        (_config(rtc={"status": "Disabled", "time": {"minutes": 15}}), [PREFIX + "replicationTime Disabled (15 min)"]),
        (_config(rtc=None), [PREFIX + "replicationTime unset"]),
        (_config(metrics=None), [PREFIX + "metrics unset"]),
        (_config(rtc=None, metrics={"status": "Disabled"}), [PREFIX + "replicationTime unset, metrics Disabled"]),
    ],
    ids=["rtc-and-metrics", "disabled-rule-ignored", "rtc-disabled", "rtc-missing", "metrics-missing", "both-off"],
)
def test_messages_with_a_15_minute_target(pack_15m, props, expected):
    assert messages(pack_15m.resource(REPLICATION, props), POLICY) == expected


def test_a_1_hour_target_does_not_need_rtc(pack_primary):
    analysis = pack_primary.resource(REPLICATION, _config(rtc=None, metrics=None))
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["objectStore L3 RPO target is 1h, above 15m: RTC is not required"]


def test_unknown_rules_during_preview_are_skipped(pack_15m):
    analysis = pack_15m.resource(REPLICATION, {"bucket": "dtem-files-us-east-1", "rules": UNKNOWN})
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["`rules` is computed during preview; checked again when it is known"]


def test_other_types_are_not_looked_at(pack_15m):
    analysis = pack_15m.resource("aws:s3/bucket:Bucket", {"bucket": "dtem-files-us-east-1"})
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
