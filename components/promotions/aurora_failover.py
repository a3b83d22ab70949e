"""AuroraFailover: make this region's cluster the writer of its Aurora global database.

`database.failover: managed` (and any site that cannot detach: the global cluster's owner
after a failback, the primary site returning after one) keeps the global topology and
moves the writer by API, which the provider cannot express declaratively:

- `mode: switchover` -> SwitchoverGlobalCluster: RPO 0, for planned moves; it waits for the
  current writer to synchronise, so it needs both regions healthy;
- `mode: failover` -> FailoverGlobalCluster with AllowDataLoss: for a region loss; loses
  what had not replicated (lag typically < 1 s, design §7).

Both are called in this stack's region, with the target cluster named by its ARN ("Use
the ARN so that Aurora can locate the cluster in its Region", RDS API reference,
FailoverGlobalCluster/SwitchoverGlobalCluster); failover is documented for "a Regional
disaster in the primary Region", so it cannot need that region's endpoint. The live state
comes from DescribeGlobalClusters in this region: a cluster that already is the writer is
not failed over again.

`promote: false` (standby) calls nothing but a describe, and refuses to record standby
while this cluster still is the writer: the other site must take the writer first.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from .base import PromotionError, PromotionProvider, error_code, error_text, minutes

MODES = ("switchover", "failover")

# Which promotion needs the region that currently holds the writer (drctl's failover plan,
# check 4, reads this): a switchover drains the current writer first.
NEEDS_WRITER_REGION = {
    "switchover": "SwitchoverGlobalCluster waits for the current writer to synchronise: it cannot complete while "
    "that region is down (set allowDataLoss true to use FailoverGlobalCluster AllowDataLoss instead)",
}


def _members(gc: dict[str, Any]) -> list[dict[str, Any]]:
    return list(gc.get("GlobalClusterMembers") or [])


class AuroraFailoverProvider(PromotionProvider):
    service = "rds"
    what = "Aurora global database failover"
    inputs = ("region", "promote", "mode", "globalClusterIdentifier", "clusterArn", "timeoutSeconds")
    required = ("globalClusterIdentifier", "clusterArn")
    arn_inputs = ("clusterArn",)
    modes = MODES

    def _describe(self, client: Any, props: dict[str, Any]) -> dict[str, Any]:
        gcid = props["globalClusterIdentifier"]
        try:
            found = client.describe_global_clusters(GlobalClusterIdentifier=gcid)["GlobalClusters"]
        except Exception as err:
            if error_code(err) == "GlobalClusterNotFoundFault":
                raise PromotionError(
                    f"{self.what}: global cluster {gcid!r} does not exist (seen from {props['region']}); "
                    "if this cluster was detached (failover: detach), it already is a standalone writer and "
                    "nothing is left to fail over"
                ) from None
            raise PromotionError(f"{self.what}: DescribeGlobalClusters({gcid}) in {props['region']} failed: {error_text(err)}") from None
        if not found:
            raise PromotionError(f"{self.what}: global cluster {gcid!r} does not exist (seen from {props['region']})")
        return found[0]

    def _member(self, gc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        arn = props["clusterArn"]
        member = next((m for m in _members(gc) if m.get("DBClusterArn") == arn), None)
        if member is None:
            others = ", ".join(m.get("DBClusterArn", "?") for m in _members(gc)) or "none"
            raise PromotionError(
                f"{self.what}: cluster {arn} is not a member of global cluster {props['globalClusterIdentifier']!r} "
                f"(members: {others}); a detached cluster is already a standalone writer -- nothing to fail over"
            )
        return member

    @staticmethod
    def _writer(gc: dict[str, Any]) -> str | None:
        return next((m.get("DBClusterArn") for m in _members(gc) if m.get("IsWriter")), None)

    def ensure_promoted(self, client: Any, props: dict[str, Any]) -> dict[str, Any]:
        gcid, arn, mode = props["globalClusterIdentifier"], props["clusterArn"], props["mode"]
        gc = self._describe(client, props)
        member = self._member(gc, props)
        failover = gc.get("FailoverState") or {}
        in_progress = failover.get("Status") in ("pending", "failing-over")
        if member.get("IsWriter") and not in_progress:
            return {"writer": arn, "action": "none: already the writer"}
        if in_progress and failover.get("ToDbClusterArn") not in (None, arn):
            raise PromotionError(
                f"{self.what}: global cluster {gcid!r} is already failing over to {failover.get('ToDbClusterArn')}; "
                "wait for it to finish, then run `pulumi up` again"
            )
        action = "none: a failover to this cluster was already in progress"
        if not in_progress:
            try:
                if mode == "switchover":
                    client.switchover_global_cluster(GlobalClusterIdentifier=gcid, TargetDbClusterIdentifier=arn)
                    action = "SwitchoverGlobalCluster"
                else:
                    client.failover_global_cluster(GlobalClusterIdentifier=gcid, TargetDbClusterIdentifier=arn, AllowDataLoss=True)
                    action = "FailoverGlobalCluster(AllowDataLoss)"
            except Exception as err:
                hint = (
                    " A switchover needs both regions healthy; if the writer's region is unreachable, set "
                    "allowDataLoss true on this stack and run `pulumi up` again."
                    if mode == "switchover"
                    else ""
                )
                raise PromotionError(f"{self.what}: {mode} of {gcid!r} to {arn} was refused: {error_text(err)}.{hint}") from None

        def probe() -> tuple[bool, str]:
            now = self._describe(client, props)
            me = self._member(now, props)
            state = (now.get("FailoverState") or {}).get("Status")
            done = bool(me.get("IsWriter")) and state not in ("pending", "failing-over") and now.get("Status", "available") == "available"
            return done, f"global cluster {now.get('Status', '?')}, failover {state or 'none'}, writer {self._writer(now) or 'none'}"

        self.wait(
            f"{self.what} ({mode} of {gcid!r} to {arn})",
            probe,
            props["timeoutSeconds"],
            "If the writer's region is unreachable and mode is switchover, set allowDataLoss true and run `pulumi up` "
            f"again; otherwise look at the global cluster's events in {props['region']}.",
        )
        return {"writer": arn, "action": action}

    def ensure_not_promoted(self, client: Any, props: dict[str, Any]) -> dict[str, Any]:
        gc = self._describe(client, props)
        member = self._member(gc, props)
        if member.get("IsWriter"):
            raise PromotionError(
                f"{self.what}: cluster {props['clusterArn']} still is the writer of {props['globalClusterIdentifier']!r}; "
                "set the other site's stack to role active and run `pulumi up` there first (it switches the writer "
                f"over), then set this stack to standby (timeout of a promotion: {minutes(props['timeoutSeconds'])})"
            )
        return {"writer": self._writer(gc) or "", "action": "none: standby"}


class AuroraFailover(Resource, module="promotions", name="AuroraFailover"):
    """The record that this region's cluster is (promote) or is not the global writer."""

    writer: pulumi.Output[str]
    action: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        region: str,
        promote: bool,
        mode: str,
        global_cluster_identifier: pulumi.Input[str],
        cluster_arn: pulumi.Input[str],
        timeout_seconds: int = 1800,
        provider: AuroraFailoverProvider | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ):
        if mode not in MODES:
            raise ValueError(f"AuroraFailover mode: expected one of {', '.join(MODES)}; got {mode!r}")
        super().__init__(
            provider or AuroraFailoverProvider(),
            name,
            {
                "region": region,
                "promote": promote,
                "mode": mode,
                "globalClusterIdentifier": global_cluster_identifier,
                "clusterArn": cluster_arn,
                "timeoutSeconds": timeout_seconds,
                "writer": None,
                "action": None,
            },
            opts,
        )
