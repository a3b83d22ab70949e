"""components/cache.py: the replication group per site, strategy and role."""

from __future__ import annotations

import pytest

from components.cache import Cache, CacheArgs
from tests.components.harness import AZS, KEY_ARN, SUBNETS, build
from tests.support import one

GLOBAL_ID = "ldgnf-dtem"


def _cache(site, strategy, **extra):
    def make(place, opts):
        args = dict(
            placement=place,
            strategy=strategy,
            azs=AZS[site],
            vpc_id="vpc-1",
            vpc_cidr="10.0.0.0/16",
            subnet_ids=SUBNETS[site],
            key_arn=KEY_ARN[site],
            engine="redis",
            engine_version="7.1",
            node_type="cache.r6g.large",
        )
        cache = Cache("cache", CacheArgs(**{**args, **extra}), opts=opts)
        return {
            k: v
            for k, v in {"group": cache.replication_group_id, "endpoint": cache.endpoint, "global": cache.global_replication_group_id}.items()
            if v is not None
        }

    return make


GROUP, GLOBAL = "aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup"


@pytest.mark.parametrize(
    ("site", "role", "strategy", "extra", "groups", "globals_", "exports"),
    [
        ("primary", "active", "global-datastore", {}, 1, 1, {"group", "endpoint", "global"}),
        ("primary", "active", "rebuild", {}, 1, 0, {"group", "endpoint"}),
        ("dr", "standby", "global-datastore", {"global_replication_group_id": GLOBAL_ID}, 1, 0, {"group", "endpoint"}),
        ("dr", "active", "global-datastore", {"global_replication_group_id": GLOBAL_ID}, 1, 0, {"group", "endpoint"}),
        # rebuild: a standby dr region holds no cache at all; the flip creates it.
        ("dr", "standby", "rebuild", {}, 0, 0, set()),
        ("dr", "active", "rebuild", {}, 1, 0, {"group", "endpoint"}),
    ],
)
def test_what_each_site_role_and_strategy_builds(site, role, strategy, extra, groups, globals_, exports):
    cap = build(_cache(site, strategy, **extra), site=site, role=role)
    assert (len(cap.of_type(GROUP)), len(cap.of_type(GLOBAL))) == (groups, globals_)
    assert set(cap.exports) == exports
    if not groups:
        assert cap.custom() == []


@pytest.mark.parametrize("site", ["primary", "dr"])
def test_a_node_per_az_multi_az_encrypted(site):
    extra = {"global_replication_group_id": GLOBAL_ID} if site == "dr" else {}
    group = one(build(_cache(site, "global-datastore", **extra), site=site), GROUP)
    i = group.inputs
    assert (i["numCacheClusters"], i["preferredCacheClusterAzs"]) == (3, AZS[site])
    assert (i["multiAzEnabled"], i["automaticFailoverEnabled"]) == (True, True)
    assert (i["atRestEncryptionEnabled"], i["transitEncryptionEnabled"], i["kmsKeyId"]) == (True, True, KEY_ARN[site])
    assert (i["snapshotRetentionLimit"], i["snapshotWindow"]) == (7, "04:00-05:00")
    assert group.protect is True


def test_dr_secondary_inherits_engine_and_node_type():
    i = one(build(_cache("dr", "global-datastore", global_replication_group_id=GLOBAL_ID), site="dr"), GROUP).inputs
    assert i["globalReplicationGroupId"] == GLOBAL_ID
    assert not {"engine", "engineVersion", "nodeType"} & set(i)


def test_primary_group_is_the_global_datastore_primary():
    cap = build(_cache("primary", "global-datastore"))
    group, glob = one(cap, GROUP), one(cap, GLOBAL)
    assert glob.inputs["primaryReplicationGroupId"] == group.id
    assert (group.inputs["engine"], group.inputs["engineVersion"], group.inputs["nodeType"]) == ("redis", "7.1", "cache.r6g.large")
    # Read back from whichever member is primary after a promotion; ForceNew (design §5).
    assert glob.ignore_changes == ["primaryReplicationGroupId"] and glob.protect is True


def test_rebuild_seeds_from_a_snapshot_when_asked():
    i = one(build(_cache("dr", "rebuild", restore_snapshot="dtem-cache-daily"), site="dr", role="active"), GROUP).inputs
    assert i["snapshotName"] == "dtem-cache-daily"


def test_dr_global_datastore_needs_the_global_group():
    with pytest.raises(ValueError, match="needs global_replication_group_id"):
        build(_cache("dr", "global-datastore"), site="dr")
