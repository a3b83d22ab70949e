"""components/promotions/cache_promotion.py: FailoverGlobalReplicationGroup.

Every test here uses botocore's Stubber: moto 5.2.5 implements no ElastiCache global
datastore API (describe_global_replication_groups and failover_global_replication_group
answer HTTP 500), so the exact requests are asserted against stubbed responses.
"""

from __future__ import annotations

import pytest

from components.promotions.base import PromotionError
from components.promotions.cache_promotion import CachePromotionProvider

from .fakes import DR, PRIMARY, refusing_factory, stubbed

GLOBAL = "ldgnf-dtem"
DR_GROUP = f"dtem-cache-{DR}"
PRIMARY_GROUP = f"dtem-cache-{PRIMARY}"
DESCRIBE = {"GlobalReplicationGroupId": GLOBAL, "ShowMemberInfo": True}
FAILOVER = {"GlobalReplicationGroupId": GLOBAL, "PrimaryRegion": DR, "PrimaryReplicationGroupId": DR_GROUP}


def props(**over):
    base = {
        "region": DR,
        "promote": True,
        "globalReplicationGroupId": GLOBAL,
        "replicationGroupId": DR_GROUP,
        "timeoutSeconds": 1800,
    }
    return {**base, **over}


def datastore(primary_region: str, status: str = "available"):
    def member(group, region):
        return {
            "ReplicationGroupId": group,
            "ReplicationGroupRegion": region,
            "Role": "PRIMARY" if region == primary_region else "SECONDARY",
            "Status": "associated",
        }

    return {
        "GlobalReplicationGroups": [
            {
                "GlobalReplicationGroupId": GLOBAL,
                "Status": status,
                "Members": [member(PRIMARY_GROUP, PRIMARY), member(DR_GROUP, DR)],
            }
        ]
    }


def test_standby_create_only_describes_in_its_own_region():
    s = stubbed("elasticache")
    s.stubber.add_response("describe_global_replication_groups", datastore(PRIMARY), DESCRIBE)
    result = CachePromotionProvider(s.factory).create(props(promote=False))
    s.stubber.assert_no_pending_responses()
    assert result.id == f"{GLOBAL}/{DR_GROUP}"
    assert result.outs == {**props(promote=False), "primary": f"{PRIMARY_GROUP} ({PRIMARY})", "action": "none: standby"}
    assert s.factory.asked == [("elasticache", DR)]


def test_promotion_request_names_this_region_as_primary_then_polls(clock):
    s = stubbed("elasticache")
    s.stubber.add_response("describe_global_replication_groups", datastore(PRIMARY), DESCRIBE)
    s.stubber.add_response(
        "failover_global_replication_group", {"GlobalReplicationGroup": {"GlobalReplicationGroupId": GLOBAL}}, FAILOVER
    )
    s.stubber.add_response("describe_global_replication_groups", datastore(PRIMARY, status="modifying"), DESCRIBE)
    s.stubber.add_response("describe_global_replication_groups", datastore(DR, status="modifying"), DESCRIBE)
    s.stubber.add_response("describe_global_replication_groups", datastore(DR), DESCRIBE)
    provider = CachePromotionProvider(s.factory, poll_seconds=10, sleep=clock.sleep, clock=clock)
    result = provider.update("id", props(promote=False), props())
    s.stubber.assert_no_pending_responses()
    assert result.outs == {**props(), "primary": DR_GROUP, "action": "FailoverGlobalReplicationGroup"}
    assert clock.sleeps == [10, 10]


def test_already_primary_is_not_failed_over_again():
    s = stubbed("elasticache")
    s.stubber.add_response("describe_global_replication_groups", datastore(DR), DESCRIBE)
    s.stubber.add_response("describe_global_replication_groups", datastore(DR), DESCRIBE)
    provider = CachePromotionProvider(s.factory)
    first = provider.create(props())
    second = provider.update(first.id, first.outs, props())
    s.stubber.assert_no_pending_responses()  # two describes, no failover call
    assert first.outs["action"] == second.outs["action"] == "none: already the primary"


def test_standby_is_refused_while_this_group_still_is_the_primary():
    s = stubbed("elasticache")
    s.stubber.add_response("describe_global_replication_groups", datastore(DR), DESCRIBE)
    with pytest.raises(PromotionError) as err:
        CachePromotionProvider(s.factory).update("id", props(), props(promote=False))
    assert str(err.value) == (
        "ElastiCache global datastore promotion: dtem-cache-us-west-2 (us-west-2) still is the primary of "
        "'ldgnf-dtem'; set the other site's stack to role active and run `pulumi up` there first, then set this "
        "stack to standby (timeout of a promotion: 30m)"
    )


def test_a_group_outside_the_datastore_is_named():
    s = stubbed("elasticache")
    s.stubber.add_response("describe_global_replication_groups", datastore(PRIMARY), DESCRIBE)
    with pytest.raises(PromotionError) as err:
        CachePromotionProvider(s.factory).create(props(replicationGroupId="other"))
    assert str(err.value) == (
        "ElastiCache global datastore promotion: replication group 'other' in us-west-2 is not a member of "
        "'ldgnf-dtem' (members: dtem-cache-us-east-1 (us-east-1), dtem-cache-us-west-2 (us-west-2))"
    )


def test_a_missing_datastore_says_a_disassociated_group_is_already_primary():
    s = stubbed("elasticache")
    s.stubber.add_client_error(
        "describe_global_replication_groups", service_error_code="GlobalReplicationGroupNotFoundFault", expected_params=DESCRIBE
    )
    with pytest.raises(PromotionError, match="global datastore 'ldgnf-dtem' does not exist .*already is a standalone primary"):
        CachePromotionProvider(s.factory).create(props())


def test_a_refused_failover_points_at_disassociation():
    s = stubbed("elasticache")
    s.stubber.add_response("describe_global_replication_groups", datastore(PRIMARY), DESCRIBE)
    s.stubber.add_client_error(
        "failover_global_replication_group",
        service_error_code="InvalidGlobalReplicationGroupState",
        service_message="The Global datastore is not available",
        expected_params=FAILOVER,
    )
    with pytest.raises(PromotionError) as err:
        CachePromotionProvider(s.factory).create(props())
    assert str(err.value) == (
        "ElastiCache global datastore promotion: failover of 'ldgnf-dtem' to dtem-cache-us-west-2 (us-west-2) was "
        "refused: InvalidGlobalReplicationGroupState: The Global datastore is not available. If the primary region "
        "is unreachable and the global datastore stays unavailable, disassociate this group from it "
        "(DisassociateGlobalReplicationGroup) to make it a standalone primary, then follow the README."
    )


def test_timeout(clock):
    s = stubbed("elasticache")
    s.stubber.add_response("describe_global_replication_groups", datastore(PRIMARY), DESCRIBE)
    s.stubber.add_response(
        "failover_global_replication_group", {"GlobalReplicationGroup": {"GlobalReplicationGroupId": GLOBAL}}, FAILOVER
    )
    s.stubber.add_response("describe_global_replication_groups", datastore(PRIMARY, status="modifying"), DESCRIBE)
    s.stubber.add_response("describe_global_replication_groups", datastore(PRIMARY, status="modifying"), DESCRIBE)
    provider = CachePromotionProvider(s.factory, poll_seconds=60, sleep=clock.sleep, clock=clock)
    with pytest.raises(PromotionError) as err:
        provider.create(props(timeoutSeconds=60))
    assert str(err.value).startswith(
        "ElastiCache global datastore promotion (failover of 'ldgnf-dtem' to dtem-cache-us-west-2 in us-west-2): not "
        "finished after 1m (last status: global datastore modifying, primary dtem-cache-us-east-1 (us-east-1))."
    )
    assert str(err.value).endswith(
        "If the primary region is unreachable, disassociate this group from the global datastore "
        "(DisassociateGlobalReplicationGroup) and run `pulumi up` again."
    )


def test_diff_delete_and_check_call_nothing():
    provider = CachePromotionProvider(refusing_factory)
    flip = provider.diff("id", {**props(promote=False), "primary": "x", "action": "y"}, props())
    assert (flip.changes, flip.replaces) == (True, [])
    assert provider.diff("id", {**props(), "primary": "x"}, props()).changes is False
    assert provider.delete("id", props()) is None
    failures = provider.check({}, props(replicationGroupId="", promote="yes"))
    assert [f.property for f in failures.failures] == ["replicationGroupId", "promote"]
