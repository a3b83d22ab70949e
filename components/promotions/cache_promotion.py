"""CachePromotion: make this region's replication group the primary of the global datastore.

`cache.strategy: global-datastore`: the dr group is a secondary member of a global
replication group owned by the primary site. Promoting it is FailoverGlobalReplicationGroup
with PrimaryRegion = this region and PrimaryReplicationGroupId = this region's group,
called against this region's endpoint (the global datastore is visible from every member
region); ElastiCache documents it for when "the primary cluster or Region becomes
unavailable" (ElastiCache guide, Redis-Global-Datastores-Console, promote the secondary;
~1 min, design §7). Afterwards the provider reads `primary_replication_group_id` back from
whichever member is primary, and it is ForceNew: components/cache.py ignores it after
creation (terraform-provider-aws issue #46121).

The live state comes from DescribeGlobalReplicationGroups (ShowMemberInfo) in this region:
a member that is already PRIMARY is not failed over again. `promote: false` (standby)
only checks that this member no longer is the primary.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from .base import PromotionError, PromotionProvider, error_code, error_text, minutes


class CachePromotionProvider(PromotionProvider):
    service = "elasticache"
    what = "ElastiCache global datastore promotion"
    inputs = ("region", "promote", "globalReplicationGroupId", "replicationGroupId", "timeoutSeconds")
    required = ("globalReplicationGroupId", "replicationGroupId")

    def _describe(self, client: Any, props: dict[str, Any]) -> dict[str, Any]:
        gid = props["globalReplicationGroupId"]
        try:
            groups = client.describe_global_replication_groups(GlobalReplicationGroupId=gid, ShowMemberInfo=True)[
                "GlobalReplicationGroups"
            ]
        except Exception as err:
            if error_code(err) == "GlobalReplicationGroupNotFoundFault":
                raise PromotionError(
                    f"{self.what}: global datastore {gid!r} does not exist (seen from {props['region']}); if this "
                    "group was disassociated from it, it already is a standalone primary"
                ) from None
            raise PromotionError(
                f"{self.what}: DescribeGlobalReplicationGroups({gid}) in {props['region']} failed: {error_text(err)}"
            ) from None
        if not groups:
            raise PromotionError(f"{self.what}: global datastore {gid!r} does not exist (seen from {props['region']})")
        return groups[0]

    def _member(self, group: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        rgid, region = props["replicationGroupId"], props["region"]
        members = group.get("Members") or []
        member = next(
            (m for m in members if m.get("ReplicationGroupId") == rgid and m.get("ReplicationGroupRegion") == region), None
        )
        if member is None:
            seen = ", ".join(f"{m.get('ReplicationGroupId')} ({m.get('ReplicationGroupRegion')})" for m in members) or "none"
            raise PromotionError(
                f"{self.what}: replication group {rgid!r} in {region} is not a member of "
                f"{props['globalReplicationGroupId']!r} (members: {seen})"
            )
        return member

    @staticmethod
    def _primary(group: dict[str, Any]) -> str:
        member = next((m for m in group.get("Members") or [] if m.get("Role") == "PRIMARY"), None)
        return f"{member.get('ReplicationGroupId')} ({member.get('ReplicationGroupRegion')})" if member else "none"

    def ensure_promoted(self, client: Any, props: dict[str, Any]) -> dict[str, Any]:
        gid, rgid, region = props["globalReplicationGroupId"], props["replicationGroupId"], props["region"]
        group = self._describe(client, props)
        member = self._member(group, props)
        if member.get("Role") == "PRIMARY":
            return {"primary": rgid, "action": "none: already the primary"}
        try:
            client.failover_global_replication_group(
                GlobalReplicationGroupId=gid, PrimaryRegion=region, PrimaryReplicationGroupId=rgid
            )
        except Exception as err:
            raise PromotionError(
                f"{self.what}: failover of {gid!r} to {rgid} ({region}) was refused: {error_text(err)}. If the primary "
                f"region is unreachable and the global datastore stays unavailable, disassociate this group from it "
                f"(DisassociateGlobalReplicationGroup) to make it a standalone primary, then follow the README."
            ) from None

        def probe() -> tuple[bool, str]:
            now = self._describe(client, props)
            me = self._member(now, props)
            done = me.get("Role") == "PRIMARY" and now.get("Status", "available") == "available"
            return done, f"global datastore {now.get('Status', '?')}, primary {self._primary(now)}"

        self.wait(
            f"{self.what} (failover of {gid!r} to {rgid} in {region})",
            probe,
            props["timeoutSeconds"],
            "If the primary region is unreachable, disassociate this group from the global datastore "
            "(DisassociateGlobalReplicationGroup) and run `pulumi up` again.",
        )
        return {"primary": rgid, "action": "FailoverGlobalReplicationGroup"}

    def ensure_not_promoted(self, client: Any, props: dict[str, Any]) -> dict[str, Any]:
        group = self._describe(client, props)
        member = self._member(group, props)
        if member.get("Role") == "PRIMARY":
            raise PromotionError(
                f"{self.what}: {props['replicationGroupId']} ({props['region']}) still is the primary of "
                f"{props['globalReplicationGroupId']!r}; set the other site's stack to role active and run `pulumi up` "
                f"there first, then set this stack to standby (timeout of a promotion: {minutes(props['timeoutSeconds'])})"
            )
        return {"primary": self._primary(group), "action": "none: standby"}


class CachePromotion(Resource, module="promotions", name="CachePromotion"):
    """The record that this region's group is (promote) or is not the global primary."""

    primary: pulumi.Output[str]
    action: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        region: str,
        promote: bool,
        global_replication_group_id: pulumi.Input[str],
        replication_group_id: pulumi.Input[str],
        timeout_seconds: int = 1800,
        provider: CachePromotionProvider | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__(
            provider or CachePromotionProvider(),
            name,
            {
                "region": region,
                "promote": promote,
                "globalReplicationGroupId": global_replication_group_id,
                "replicationGroupId": replication_group_id,
                "timeoutSeconds": timeout_seconds,
                "primary": None,
                "action": None,
            },
            opts,
        )
