"""Replication Time Control and its metrics when the object store's L3 RPO is ≤ 15 minutes."""

from collections.abc import Mapping

from ...context import fmt
from ...figures import FIGURES
from ...resources import S3_REPLICATION
from ..base import NotApplicable, Rule, need

RTC_SECONDS = int(FIGURES["s3.rtc"].seconds)


def check(res, ctx, cfg):
    target = ctx.target("objectStore", "rpo", "L3")
    if target is None or target > RTC_SECONDS:
        raise NotApplicable(f"objectStore L3 RPO target is {fmt(target)}, above {fmt(RTC_SECONDS)}: RTC is not required")
    bucket = need(res, "bucket")
    for rule in need(res, "rules") or []:
        if not isinstance(rule, Mapping) or rule.get("status") != "Enabled":
            continue
        dest = rule.get("destination") or {}
        rt = dest.get("replicationTime") or {}
        metrics = dest.get("metrics") or {}
        minutes = (rt.get("time") or {}).get("minutes")
        rt_ok = rt.get("status") == "Enabled" and isinstance(minutes, (int, float)) and minutes * 60 <= RTC_SECONDS
        metrics_ok = metrics.get("status") == "Enabled"
        if rt_ok and metrics_ok:
            continue
        got = []
        if not rt_ok:
            got.append(f"replicationTime {rt.get('status', 'unset')}" + (f" ({minutes} min)" if minutes else ""))
        if not metrics_ok:
            got.append(f"metrics {metrics.get('status', 'unset')}")
        yield (
            f"S3 replication rule `{rule.get('id') or '(unnamed)'}` of bucket `{bucket}` must enable Replication Time Control "
            f"and its metrics (objectStore L3 RPO target {fmt(target)} ≤ {fmt(RTC_SECONDS)}; RTC replicates 99.99 % of "
            f"objects within 15 minutes); got {', '.join(got)}"
        )


POLICY = Rule(
    name="s3-replication-time-control",
    area="storage",
    description="When the object store's L3 RPO target is 15 minutes or less, every enabled replication rule has "
    "Replication Time Control (15 minutes) and replication metrics on.",
    why="Without RTC, S3 replicates most objects in seconds but promises no bound; only RTC's 15-minute SLA (with its "
    "metrics to watch it) supports an RPO of 15 minutes (S3 User Guide 'replication-time-control').",
    remediation="Set `objectStore.replicationTimeControl: true` (replication_time + metrics on the rule), or state an "
    "L3 RPO target above 15 minutes.",
    severity="high",
    tags=("storage", "replication", "L3"),
    types=(S3_REPLICATION,),
    check=check,
)
