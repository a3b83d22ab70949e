"""The resilience estimate: achievable RPO and RTO per component and disaster level, from
the resource properties a stack will deploy (design §3: not from the config, so a component
that does not build what the config asks for is caught).

Every number comes from `figures.py` (a documented AWS figure with its source) or from a
stated, configurable assumption (`topology.assumptions`) where AWS publishes none -- and
the basis text says which. The targets come from the stack config (`dtem-dr:topology`).

    estimate_matrix(resources, config) -> Matrix

`resources` are dicts (`type`, `name`, `urn`, `properties` camelCase, optionally
`propertyDependencies`, `protect`, ...) or `resources.Res`; `config` is the stack config
as the engine hands it (`{"ns:key": "string"}`).

What a level means here
-----------------------
L1 a component fails (an instance, a node, a broker); L2 an availability zone is lost;
L3 the region serving traffic is lost and the other region takes over; L4 a logical
corruption that live replication faithfully copied to every region, so the data must come
from point-in-time copies while the infrastructure stands. (Losing both regions of a
two-region topology is not recoverable by any setting of this project and is not
estimated.)

What each stack's assessment covers
-----------------------------------
A stack judges what it deploys. L1, L2 and L4 are the stack's own region. L3 is one event
-- the region serving traffic is lost and the other region takes over -- whose evidence is
split between the stacks:

- the active stack (normally primary): what leaves its region -- the Aurora global cluster
  membership, its S3 replication rule (RTC), the cache's global datastore -- and the
  Route 53 failover records (primary site); the other region's scale-up comes from the
  topology (that stack checks its own);
- the standby stack (normally dr): what arrives and takes over -- the secondary cluster's
  membership, the cache secondary, the CRDR broker, its workloads' standby size; Route 53
  timing comes from the topology when the records are the other stack's;
- site-bound declarations are judged where they are declared, whatever the role: the
  secrets and their replicas (primary site), the CRDR replica (dr site's broker);
- a cell decided entirely by the other stack's resources has verdict `peer`: judged there;
- no live second region -- the dr stack active after a detach failover or with
  allowDataLoss, or the primary's first deployment (peerWired: false) -- makes the L3
  cells `reduced`, reported by the advisory `resilience-region-loss-unprotected`, never a
  mandatory miss: a policy must not block the failover itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .context import COMPONENTS, LEVEL_NAMES, LEVELS, StackContext, fmt, from_config
from .figures import FIGURES, figure, route53_failover_seconds
from .resources import (
    BACKUP_PLAN,
    BACKUP_SELECTION,
    CACHE_GLOBAL,
    CACHE_GROUP,
    DEPLOYMENT,
    DNS_RECORD,
    HEALTH_CHECK,
    MQ_BROKER,
    NODE_GROUP,
    RDS_CLUSTER,
    RDS_GLOBAL,
    RDS_INSTANCE,
    RDS_PARAMS,
    S3_BUCKETS,
    S3_LIFECYCLES,
    S3_REPLICATION,
    S3_VERSIONINGS,
    SECRET,
    UNKNOWN,
    Index,
    Res,
    arn_region,
    is_unknown,
)

ESTIMATED, PEER, NA, UNKNOWN_STATE, REDUCED = "estimated", "peer", "n/a", "unknown", "reduced"
_ASYNC_REPLICAS = "ElastiCache updates replicas asynchronously: no setting gives less"
MET, MISSED = "met", "missed"
MULTI_AZ_MODES = ("ACTIVE_STANDBY_MULTI_AZ", "CLUSTER_MULTI_AZ")
ZONE_KEY = "topology.kubernetes.io/zone"


@dataclass(frozen=True)
class Estimate:
    """One achievable RPO or RTO: seconds (None = unbounded), the settings and figures it
    comes from, and what would lower it."""

    seconds: float | None
    basis: str
    fix: str = ""
    state: str = ESTIMATED

    @classmethod
    def peer(cls, basis: str) -> "Estimate":
        return cls(None, basis, state=PEER)

    @classmethod
    def na(cls, basis: str) -> "Estimate":
        return cls(None, basis, state=NA)

    @classmethod
    def unknown(cls, basis: str) -> "Estimate":
        return cls(None, basis, state=UNKNOWN_STATE)

    @classmethod
    def reduced(cls, basis: str) -> "Estimate":
        return cls(None, basis, state=REDUCED)

    def verdict(self, target: int | None) -> str:
        if self.state != ESTIMATED:
            return self.state
        if target is None:
            return MET
        if self.seconds is None:
            return MISSED
        return MET if self.seconds <= target else MISSED


def _plus(*parts: Estimate, fix: str = "") -> Estimate:
    """A sum of steps (e.g. DNS failover + scale-up); unbounded if any step is."""
    for p in parts:
        if p.state != ESTIMATED:
            return p
    total: float | None = 0
    for p in parts:
        total = None if (total is None or p.seconds is None) else total + p.seconds
    basis = " + ".join(f"{p.basis}" for p in parts)
    return Estimate(total, basis, fix or "; ".join(p.fix for p in parts if p.fix))


def _no_better(est: Estimate) -> str:
    text = f"no setting of this design does better: state a target of at least {fmt(est.seconds)}"
    if "assumption `" in est.basis:
        text += ", or measure and state a lower assumption"
    return text


@dataclass(frozen=True)
class Miss:
    component: str
    level: str
    metric: str
    message: str
    subject: str | None
    """URN of the component's key resource (None: nothing to attach to)."""

    @property
    def key(self) -> str:
        """How an exemption names this finding: `<component>/<level>`."""
        return f"{self.component}/{self.level}"


@dataclass(frozen=True)
class Cell:
    component: str
    level: str
    rto_target: int | None
    rpo_target: int | None
    rto: Estimate
    rpo: Estimate
    subject: str | None = None

    @property
    def rto_estimate(self) -> float | None:
        return self.rto.seconds

    @property
    def rpo_estimate(self) -> float | None:
        return self.rpo.seconds

    @property
    def verdict(self) -> str:
        verdicts = {self.rto.verdict(self.rto_target), self.rpo.verdict(self.rpo_target)}
        for v in (MISSED, UNKNOWN_STATE, REDUCED, PEER, NA):
            if v in verdicts:
                return v
        return MET

    @property
    def basis(self) -> str:
        return f"RPO: {self.rpo.basis}. RTO: {self.rto.basis}."

    def misses(self) -> list[Miss]:
        out = []
        for metric, est, target in (("RPO", self.rpo, self.rpo_target), ("RTO", self.rto, self.rto_target)):
            if est.verdict(target) != MISSED:
                continue
            message = (
                f"{self.component}: {self.level} ({LEVEL_NAMES[self.level]}) {metric} estimated "
                f"{fmt(est.seconds)} from {est.basis}; target {fmt(target)}"
            )
            message += f" — {est.fix or _no_better(est)}"
            out.append(Miss(self.component, self.level, metric, message, self.subject))
        return out

    def row(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "level": self.level,
            "rto_target": self.rto_target,
            "rto_estimate": self.rto.seconds,
            "rpo_target": self.rpo_target,
            "rpo_estimate": self.rpo.seconds,
            "verdict": self.verdict,
            "basis": self.basis,
        }


@dataclass
class Matrix:
    context: StackContext
    cells: list[Cell] = field(default_factory=list)

    def cell(self, component: str, level: str) -> Cell:
        for c in self.cells:
            if c.component == component and c.level == level:
                return c
        raise KeyError(f"{component}/{level}")

    def misses(self) -> list[Miss]:
        return [m for c in self.cells for m in c.misses()]

    def reduced(self) -> list[Cell]:
        return [c for c in self.cells if c.verdict == REDUCED]

    def rows(self) -> list[dict[str, Any]]:
        return [c.row() for c in self.cells]


# ---------------------------------------------------------------------------------------
# Figures, cited
# ---------------------------------------------------------------------------------------


class _Cite:
    def __init__(self, ctx: StackContext):
        self.assumptions = ctx.assumptions

    def __call__(self, key: str) -> tuple[float | None, str]:
        """(seconds, how to cite it): the source, or the assumption and why it is one."""
        value, fig = figure(key, self.assumptions)
        if fig.published:
            return value, fig.source
        why = fig.source if ("no published" in fig.source or "no AWS figure" in fig.source) else f"{fig.source}: no published figure"
        return value, f"assumption `{fig.assumption_key}` = {fmt(value)}; {why}"

    def est(self, key: str, what: str, fix: str = "") -> Estimate:
        value, cite = self(key)
        return Estimate(value, f"{what} ({cite})", fix)


# ---------------------------------------------------------------------------------------
# Helpers on resources
# ---------------------------------------------------------------------------------------

_CRON = re.compile(r"^\s*cron\((.+)\)\s*$")
_RATE = re.compile(r"^\s*rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)\s*$")


def schedule_interval(expr: Any) -> int | None:
    """Longest gap between runs of an AWS Backup schedule (`cron(0 5 ? * * *)` -> 1d,
    `rate(1 hour)` -> 1h); None when it cannot be read."""
    if not isinstance(expr, str):
        return None
    rate = _RATE.match(expr)
    if rate:
        n, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        return n * {"minute": 60, "hour": 3600, "day": 86400}[unit]
    cron = _CRON.match(expr)
    if not cron:
        return None
    fields = cron.group(1).split()
    if len(fields) != 6:
        return None
    minute, hour, dom, _month, dow, _year = fields
    any_day = dom in ("*", "?") and dow in ("*", "?")
    if not minute.isdigit():
        step = re.fullmatch(r"(?:\*|\d+)/(\d+)", minute)
        if step and hour == "*" and any_day:
            return int(step.group(1)) * 60
        return None
    if hour == "*":
        return 3600 if any_day else None
    step = re.fullmatch(r"(?:\*|\d+)/(\d+)", hour)
    if step and any_day:
        return int(step.group(1)) * 3600
    if re.fullmatch(r"\d+(,\d+)*", hour):
        hours = sorted({int(h) for h in hour.split(",")})
        if any_day:
            gaps = [(hours[(i + 1) % len(hours)] - h) % 24 or 24 for i, h in enumerate(hours)]
            return max(gaps) * 3600
        if dom == "?" and re.fullmatch(r"[A-Z0-9]+(,[A-Z0-9]+)*", dow) and "," not in dow:
            return 7 * 86400
    return None


def bucket_region(dest: Any, ix: Index, ctx: StackContext) -> tuple[str | None, str]:
    """The region of a replication destination (`arn:aws:s3:::name`). S3 ARNs carry no
    region, so it is resolved, never assumed: a bucket of this stack, the peer stack's
    outputs (bucketArn + region), then the topology's naming (`<bucketPrefix>-<region>`)."""
    if not isinstance(dest, str):
        return None, "unknown destination"
    name = dest.split(":::", 1)[1] if dest.startswith("arn:aws:s3:::") else dest
    for b in ix.of_type(*S3_BUCKETS):
        if b.get("bucket") == name:
            return (b.region or ctx.region), "a bucket of this stack"
    peer = ix.peer_outputs()
    if peer and (peer.get("bucketArn") == dest or peer.get("bucketName") == name) and isinstance(peer.get("region"), str):
        return peer["region"], f"stack {ctx.peer_stack or 'peer'}'s outputs"
    prefix = ctx.section("objectStore", "bucketPrefix", default="dtem-files")
    for region in ctx.regions.values():
        if name == f"{prefix}-{region}":
            return region, f"the topology's bucket naming `{prefix}-<region>`"
    return None, "unresolved"


def backup_copies(ix: Index, ctx: StackContext, target: Res) -> tuple[int | None, str] | None:
    """The AWS Backup plan that covers `target` and copies it to another region:
    (interval between copies, description), or None when nothing does."""
    plans = ix.of_type(BACKUP_PLAN)
    for sel in ix.of_type(BACKUP_SELECTION):
        if not ix.refers(sel, "resources", target):
            continue
        linked = [p for p in plans if ix.refers(sel, "planId", p)] or (plans if len(plans) == 1 else [])
        for plan in linked:
            for rule in plan.get("rules", default=[]) or []:
                if not isinstance(rule, Mapping):
                    continue
                regions = {arn_region(c.get("destinationVaultArn")) for c in rule.get("copyActions") or [] if isinstance(c, Mapping)}
                regions.discard(None)
                if not regions or regions <= {ctx.region}:
                    continue
                schedule = rule.get("schedule")
                return schedule_interval(schedule), (
                    f"AWS Backup plan `{plan.label}` ({schedule}, copied to {', '.join(sorted(regions))})"
                )
    return None


def global_membership(ix: Index, cluster: Res) -> Any:
    """The Aurora global cluster `cluster` belongs to: its `globalClusterIdentifier`, or a
    GlobalCluster of this stack created from it (`sourceDbClusterIdentifier`: the dr site
    owning the global cluster during a failback). None: standalone; UNKNOWN: computed."""
    gcid = cluster.get("globalClusterIdentifier")
    if gcid:
        return gcid
    for gc in ix.of_type(RDS_GLOBAL):
        if ix.refers(gc, "sourceDbClusterIdentifier", cluster):
            return gc.get("globalClusterIdentifier") or gc.label
    return gcid


# ---------------------------------------------------------------------------------------
# Per component
# ---------------------------------------------------------------------------------------

Levels = dict[str, tuple[Estimate, Estimate]]  # level -> (rpo, rto)


def _none(what: str, fix: str) -> Levels:
    e = Estimate(None, what, fix)
    return {lvl: (e, e) for lvl in LEVELS}


def _database(ix: Index, ctx: StackContext, cite: _Cite) -> tuple[Levels, str | None]:
    clusters = ix.of_type(RDS_CLUSTER)
    if not clusters:
        return _none("no Aurora cluster in this stack", "declare the database component"), None
    c = clusters[0]
    instances = [i for i in ix.of_type(RDS_INSTANCE) if ix.refers(i, "clusterIdentifier", c) is not False]
    n = len(instances)
    out: Levels = {}
    storage = cite.est("aurora.inregion.rpo", "Aurora's cluster volume, six copies over three AZs")
    if n >= 2:
        l1_rto = cite.est("aurora.inregion.failover", f"failover to one of {n - 1} reader instance(s)")
    elif n == 1:
        l1_rto = cite.est(
            "aurora.recreate_instance",
            "recreating the only instance (no reader to fail over to)",
            "add a reader instance (failover typically under 1-2 minutes)",
        )
    else:
        l1_rto = Estimate(None, "a cluster without instances", "add instances, one per AZ")
    out["L1"] = (storage, l1_rto)

    azs = [i.get("availabilityZone") for i in instances]
    if any(is_unknown(a) for a in azs):
        l2_rto = Estimate.unknown("instance AZs are computed during preview")
    else:
        pinned = sorted({a for a in azs if isinstance(a, str)})
        if n >= 2 and len(pinned) >= 2:
            l2_rto = cite.est("aurora.inregion.failover", f"failover to a reader in another AZ (instances in {', '.join(pinned)})")
        elif n == 0:
            l2_rto = l1_rto
        else:
            where = ", ".join(pinned) if pinned else "AZs chosen by AWS, not pinned"
            l2_rto = cite.est(
                "aurora.recreate_instance",
                f"creating an instance in another AZ (no reader in a second AZ; instances in {where})",
                "place reader instances in other AZs (one per AZ)",
            )
    out["L2"] = (storage, l2_rto)

    gcid = global_membership(ix, c)
    if is_unknown(gcid):
        out["L3"] = (Estimate.unknown("globalClusterIdentifier is computed during preview"),) * 2
    elif gcid:
        bound = ""
        for pg in ix.of_type(RDS_PARAMS):
            for p in pg.get("parameters", default=[]) or []:
                if isinstance(p, Mapping) and p.get("name") == "rds.global_db_rpo":
                    bound = f"; bounded by rds.global_db_rpo = {p.get('value')}s"
        side = "to the secondary cluster" if ctx.active else "into this secondary cluster"
        rpo = cite.est(
            "aurora.global.lag",
            f"Aurora Global Database replication {side} of `{gcid}` (lag typically < 1 s{bound})",
            "the global database replicates asynchronously: no setting gives less for a region loss "
            "(rds.global_db_rpo, >= 20s, bounds the lag)",
        )
        if ctx.failover == "managed":
            rto = cite.est("aurora.global.managed_failover", "managed failover of the global cluster (database.failover: managed)")
        else:
            rto = cite.est("aurora.global.detach_promote", "detach-and-promote of the secondary (database.failover: detach)")
        out["L3"] = (rpo, rto)
    elif ctx.active:
        copies = backup_copies(ix, ctx, c)
        fix = "make the cluster a member of an Aurora global database (replication lag typically < 1 s)"
        if copies is None:
            out["L3"] = (Estimate(None, "no global database and no backup copy in another region", fix),) * 2
        else:
            interval, what = copies
            rpo = Estimate(interval, f"snapshot copies only: {what}", fix)
            out["L3"] = (rpo, cite.est("aurora.restore_snapshot", f"restoring a copied snapshot in {ctx.peer_region}", fix))
    else:
        fix = "join the global cluster (globalClusterIdentifier from the primary stack)"
        e = Estimate(None, "a cluster that is not a member of the global cluster: nothing replicates into this region", fix)
        out["L3"] = (e, e)

    retention = c.get("backupRetentionPeriod")
    days = "AWS default 1" if retention is None else ("computed" if is_unknown(retention) else f"{retention} days")
    out["L4"] = (
        cite.est("aurora.pitr", f"point-in-time restore from automated backups (retention {days})"),
        cite.est("aurora.restore_snapshot", "restoring the cluster to a point in time"),
    )
    return out, c.urn


def _object_store(ix: Index, ctx: StackContext, cite: _Cite) -> tuple[Levels, str | None]:
    buckets = ix.of_type(*S3_BUCKETS)
    if not buckets:
        return _none("no S3 bucket in this stack", "declare the object store component"), None
    b = buckets[0]
    out: Levels = {}
    inregion = (
        cite.est("s3.inregion.rpo", "S3's storage over at least three AZs"),
        Estimate(0, "no recovery action: S3 keeps serving from the remaining AZs (S3 User Guide 'DataDurability')"),
    )
    out["L1"] = out["L2"] = inregion

    if not ctx.active:
        peer = ctx.peer_stack or "primary"
        e = Estimate.peer(f"replication into this region is stack {peer}'s bucket rule; assessed there")
        out["L3"] = (e, e)
    else:
        out["L3"] = _replication(ix, ctx, cite, b)

    versioned = None
    for v in ix.attached(S3_VERSIONINGS, b):
        status = v.get("versioningConfiguration", "status")
        versioned = UNKNOWN if is_unknown(status) else (status == "Enabled")
    if versioned is None:
        legacy = b.get("versioning", "enabled")
        versioned = UNKNOWN if is_unknown(legacy) else bool(legacy)
    restore = cite.est("s3.restore_versions", "restoring objects from their previous versions")
    if versioned is UNKNOWN:
        out["L4"] = (Estimate.unknown("versioning status is computed during preview"), restore)
    elif versioned:
        days = None
        for lc in ix.attached(S3_LIFECYCLES, b):
            for rule in lc.get("rules", default=[]) or []:
                if isinstance(rule, Mapping) and rule.get("status") == "Enabled":
                    exp = rule.get("noncurrentVersionExpiration") or {}
                    if isinstance(exp, Mapping) and isinstance(exp.get("noncurrentDays"), (int, float)):
                        days = int(exp["noncurrentDays"])
        kept = f"kept {days} days" if days else "kept until deleted"
        out["L4"] = (cite.est("s3.versioning", f"S3 Versioning (previous versions {kept})"), restore)
    else:
        fix = "enable S3 Versioning (every overwritten or deleted version kept)"
        copies = backup_copies(ix, ctx, b)
        if copies is None:
            out["L4"] = (Estimate(None, "an unversioned bucket without backups", fix), restore)
        else:
            out["L4"] = (Estimate(copies[0], f"backups only: {copies[1]}", fix), restore)
    return out, b.urn


def _replication(ix: Index, ctx: StackContext, cite: _Cite, bucket: Res) -> tuple[Estimate, Estimate]:
    fix = "replicate to the dr bucket with S3 Replication Time Control (99.99 % of objects within 15 minutes)"
    best: tuple[Estimate, Estimate] | None = None
    for cfg in ix.attached(S3_REPLICATION, bucket):
        for rule in cfg.get("rules", default=[]) or []:
            if is_unknown(rule):
                return (Estimate.unknown("the replication rule is computed during preview"),) * 2
            if not isinstance(rule, Mapping) or rule.get("status") != "Enabled":
                continue
            dest = (rule.get("destination") or {}).get("bucket")
            if is_unknown(dest):
                return (Estimate.unknown("the replication destination is computed during preview"),) * 2
            region, how = bucket_region(dest, ix, ctx)
            if region is None or region == ctx.region:
                continue
            name = dest.split(":::", 1)[-1]
            rt = (rule.get("destination") or {}).get("replicationTime") or {}
            in_place = cite.est("s3.replica_in_place", f"replicas already in `{name}` ({region})")
            if isinstance(rt, Mapping) and rt.get("status") == "Enabled":
                return (
                    cite.est(
                        "s3.rtc",
                        f"S3 replication with RTC to `{name}` in {region} ({how})",
                        "RTC's 15-minute SLA is the tightest bound S3 replication offers: state a target of at least 15m",
                    ),
                    in_place,
                )
            best = (
                Estimate(
                    None,
                    f"S3 replication without RTC to `{name}` in {region}: most objects in seconds, no bound ({FIGURES['s3.crr_no_rtc'].source})",
                    "enable Replication Time Control on the rule (99.99 % of objects within 15 minutes, S3 RTC SLA)",
                ),
                in_place,
            )
    if best:
        return best
    e = Estimate(None, "no enabled replication rule to a bucket in another region", fix)
    return e, e


def _cache(ix: Index, ctx: StackContext, cite: _Cite) -> tuple[Levels, str | None]:
    groups = ix.of_type(CACHE_GROUP)
    restore = lambda what, fix="": cite.est("elasticache.restore", what, fix)  # noqa: E731
    if not groups:
        if not ctx.active:
            na = Estimate.na("no cache in this region while standby (rebuild strategy): the flip creates it and is assessed then")
            out = {lvl: (na, na) for lvl in LEVELS}
            out["L3"] = (
                Estimate.peer(f"the group the flip creates starts empty or from a snapshot of stack {ctx.peer_stack or 'primary'}'s; assessed there"),
                restore("creating the group on the flip (rebuild strategy)"),
            )
            return out, None
        return _none("no ElastiCache replication group in this stack", "declare the cache component"), None
    g = groups[0]
    out: Levels = {}
    nodes = g.get("numCacheClusters")
    if nodes is None:
        azs_pref = g.get("preferredCacheClusterAzs")
        nodes = len(azs_pref) if isinstance(azs_pref, list) else 1
    failover, multi_az = g.get("automaticFailoverEnabled"), g.get("multiAzEnabled")
    retention = g.get("snapshotRetentionLimit")
    if any(is_unknown(v) for v in (nodes, failover, multi_az, retention)):
        u = Estimate.unknown("replication group settings are computed during preview")
        return {lvl: (u, u) for lvl in LEVELS}, g.urn
    retention = retention or 0

    def snapshots(fix: str | None = None) -> Estimate:
        if retention > 0:
            return cite.est(
                "elasticache.snapshot.daily",
                f"daily automatic snapshots (snapshotRetentionLimit {retention})",
                fix or "automatic snapshots are daily: take snapshots at least as often as the target, or state a target of at least 1d",
            )
        return Estimate(None, "no snapshots (snapshotRetentionLimit 0)", fix or "keep daily snapshots (snapshotRetentionLimit >= 1)")

    if nodes >= 2 and failover:
        l1 = (
            cite.est("elasticache.replica.lag", f"asynchronous replication to {nodes - 1} replica(s)", _ASYNC_REPLICAS),
            cite.est("elasticache.multiaz.failover", "automatic failover to a replica"),
        )
    else:
        fix = "enable automatic failover with at least one replica"
        l1 = (snapshots(fix), restore("re-creating the node from a snapshot", fix))
    out["L1"] = l1
    azs = g.get("preferredCacheClusterAzs")
    distinct = len(set(azs)) if isinstance(azs, list) else None
    if nodes >= 2 and failover and multi_az and (distinct is None or distinct >= 2):
        out["L2"] = (
            cite.est("elasticache.replica.lag", "asynchronous replication to replicas in other AZs (Multi-AZ)", _ASYNC_REPLICAS),
            cite.est("elasticache.multiaz.failover", "Multi-AZ automatic failover"),
        )
    else:
        fix = "enable Multi-AZ and automatic failover with replicas in other AZs"
        out["L2"] = (snapshots(fix), restore("re-creating the group from a snapshot", fix))

    member = g.get("globalReplicationGroupId")
    globals_ = [gl for gl in ix.of_type(CACHE_GLOBAL) if ix.refers(gl, "primaryReplicationGroupId", g)]
    if is_unknown(member):
        out["L3"] = (Estimate.unknown("globalReplicationGroupId is computed during preview"),) * 2
    elif globals_ or member:
        side = "to the dr secondary" if globals_ else f"into this secondary of `{member}`"
        out["L3"] = (
            cite.est(
                "elasticache.global.lag",
                f"Global Datastore replication {side}",
                "the Global Datastore replicates asynchronously: no setting gives less for a region loss",
            ),
            cite.est("elasticache.global.promotion", "promoting the secondary"),
        )
    elif ctx.active:
        fix = (
            "use the global-datastore strategy (replication lag typically < 1 s, ElastiCache guide "
            "'Redis-Global-Datastore') or copy snapshots to the dr region at least as often as the target"
        )
        where = f"kept in {ctx.region} only: nothing copies them to {ctx.peer_region}, so the rebuilt cache starts empty"
        what = f"daily automatic snapshots (snapshotRetentionLimit {retention}) {where}" if retention else f"no snapshots; the rebuilt cache in {ctx.peer_region} starts empty"
        out["L3"] = (Estimate(None, what, fix), restore(f"creating the cache in {ctx.peer_region} (rebuild)", fix))
    else:
        fix = "join the global datastore (globalReplicationGroupId from the primary stack)"
        out["L3"] = (
            Estimate(None, "a group that is not a member of a global datastore: nothing replicates into this region", fix),
            Estimate(0, "the group already runs in this region (its data does not: see RPO)"),
        )
    out["L4"] = (
        snapshots(),
        restore("restoring a snapshot into a new group"),
    )
    return out, g.urn


def _queue(ix: Index, ctx: StackContext, cite: _Cite) -> tuple[Levels, str | None]:
    brokers = ix.of_type(MQ_BROKER)
    if not brokers:
        return _none("no Amazon MQ broker in this stack", "declare the queue component"), None
    b = brokers[0]
    out: Levels = {}
    mode = b.get("deploymentMode", default="SINGLE_INSTANCE")
    storage = b.get("storageType", default="efs" if b.get("engineType") == "ActiveMQ" else "ebs")
    if is_unknown(mode):
        u = Estimate.unknown("deploymentMode is computed during preview")
        out["L1"] = out["L2"] = (u, u)
    elif mode in MULTI_AZ_MODES:
        rpo = Estimate(0, f"persisted messages on storage shared across AZs ({mode}; {FIGURES['mq.active_standby.failover'].source})")
        rto = cite.est("mq.active_standby.failover", f"failover to the standby broker ({mode})")
        out["L1"] = out["L2"] = (rpo, rto)
    else:
        fix = "deploy ACTIVE_STANDBY_MULTI_AZ (or CLUSTER_MULTI_AZ)"
        down = Estimate(None, f"a {mode} broker is unavailable until Amazon MQ replaces it (no published figure)", fix)
        out["L1"] = (Estimate(0, f"messages persisted on {storage} storage survive a broker failure"), down)
        if storage == "efs":
            l2_rpo = Estimate(0, "messages persisted on EFS, stored across AZs")
        else:
            l2_rpo = Estimate(None, f"messages on {storage} storage in one AZ, lost with the AZ", fix)
        out["L2"] = (l2_rpo, down)

    if ctx.site == "dr":
        crdr = b.get("dataReplicationMode")
        primary_arn = b.get("dataReplicationPrimaryBrokerArn")
        if is_unknown(crdr) or is_unknown(primary_arn):
            out["L3"] = (Estimate.unknown("the CRDR settings are computed during preview"),) * 2
        elif crdr == "CRDR" and primary_arn and arn_region(primary_arn) not in (None, ctx.region):
            out["L3"] = (
                cite.est(
                    "mq.crdr.lag",
                    f"asynchronous CRDR replication from the broker in {arn_region(primary_arn)}",
                    "CRDR is asynchronous: no broker setting gives less for a region loss (design §2); state the accepted "
                    "loss and alarm on TotalReplicationLag",
                ),
                cite.est("mq.crdr.promotion", "promoting the CRDR replica (mq:Promote FAILOVER)"),
            )
        else:
            fix = "declare the broker a CRDR replica of the primary broker (dataReplicationMode CRDR, dataReplicationPrimaryBrokerArn)"
            e = Estimate(None, "a broker that is not a CRDR replica of the primary broker", fix)
            out["L3"] = (e, e)
    else:
        peer = ctx.peer_stack or "dr"
        e = Estimate.peer(f"the CRDR replica is declared by stack {peer}'s broker; assessed there")
        out["L3"] = (e, e)

    out["L4"] = (
        Estimate(
            None,
            "Amazon MQ keeps no point-in-time copy of messages: a corruption CRDR replicated cannot be undone",
            "no broker setting bounds it: state the accepted loss (`unbounded`) or make the work re-creatable from the database",
        ),
        Estimate(0, "the brokers stand; there is nothing to restore"),
    )
    return out, b.urn


def _secrets(ix: Index, ctx: StackContext, cite: _Cite) -> tuple[Levels, str | None]:
    secrets = ix.of_type(SECRET)
    if not secrets:
        if ctx.site == "dr":
            e = Estimate.peer(f"the secrets and their replica in this region are declared by stack {ctx.peer_stack or 'primary'}; assessed there")
            return {lvl: (e, e) for lvl in LEVELS}, None
        return _none("no Secrets Manager secret in this stack", "declare the secrets component"), None
    out: Levels = {}
    regional = (
        cite.est("secretsmanager.regional", "Secrets Manager's storage across the region's AZs"),
        Estimate(0, "no recovery action: the service is regional"),
    )
    out["L1"] = out["L2"] = regional
    missing, unknown = [], False
    for s in secrets:
        replicas = s.get("replicas", default=[])
        if is_unknown(replicas):
            unknown = True
            continue
        regions = [r.get("region") for r in replicas or [] if isinstance(r, Mapping)]
        if any(is_unknown(r) for r in regions):
            unknown = True
        elif not any(isinstance(r, str) and r != ctx.region for r in regions):
            missing.append(s.label)
    if unknown:
        out["L3"] = (Estimate.unknown("the replica regions are computed during preview"),) * 2
    elif missing:
        fix = f"add a replica in {ctx.peer_region} to every secret"
        e = Estimate(None, f"secret(s) {', '.join(f'`{m}`' for m in missing)} without a replica in another region", fix)
        out["L3"] = (e, e)
    else:
        out["L3"] = (
            cite.est(
                "secretsmanager.replica.lag",
                f"asynchronous replication of {len(secrets)} secret(s) to their replica in {ctx.peer_region}",
                "replicas are updated asynchronously: no setting gives less for a region loss; state the accepted lag",
            ),
            cite.est("secretsmanager.replica.read", "the replica is readable in the dr region without promotion"),
        )
    out["L4"] = (
        cite.est("secretsmanager.previous_version", "the previous version of each secret"),
        cite.est("secretsmanager.previous_version", "moving AWSCURRENT back"),
    )
    return out, secrets[0].urn


def _scale_up(ctx: StackContext, cite: _Cite, nodes: int | None, replicas: dict[str, int], *, source: str) -> Estimate:
    """Time for the dr region to serve at active size: new nodes (when the node groups
    must grow) then pods."""
    active_nodes = ctx.section("kubernetes", "nodesPerAz", "active")
    services = ctx.section("workloads", "services", default={}) or {}
    grow_pods = any(
        replicas.get(name, 0) < ((svc.get("replicas") or {}).get("active") or 0)
        for name, svc in services.items()
        if isinstance(svc, Mapping)
    )
    grow_nodes = isinstance(active_nodes, int) and nodes is not None and nodes < active_nodes
    if grow_nodes:
        node_s, node_c = cite("k8s.node_start")
        pod_s, pod_c = cite("k8s.pod_start")
        total = None if node_s is None or pod_s is None else node_s + pod_s
        return Estimate(total, f"scaling the dr workloads {source}: node groups {nodes} -> {active_nodes} per AZ ({node_c}) then pods ({pod_c})")
    if grow_pods:
        return cite.est("k8s.pod_start", f"scaling the dr workloads {source}: pods on warm nodes")
    return Estimate(0, f"the dr workloads already run at active size {source}")


def _dns_from_resources(ix: Index) -> Estimate | None:
    checks = ix.of_type(HEALTH_CHECK)
    records = [r for r in ix.of_type(DNS_RECORD) if r.get("failoverRoutingPolicies")]
    if not checks or not records:
        return None
    worst = 0
    for hc in checks:
        interval = hc.get("requestInterval", default=30)
        threshold = hc.get("failureThreshold", default=3)
        if is_unknown(interval) or is_unknown(threshold):
            return Estimate.unknown("health-check settings are computed during preview")
        worst = max(worst, int(interval) * int(threshold))
    ttl = max(int(r.get("ttl", default=0) or 0) for r in records if not is_unknown(r.get("ttl")))
    seconds = worst + ttl
    src = FIGURES["route53.failover"].source
    return Estimate(seconds, f"Route 53 failover {fmt(seconds)} (health checks {fmt(worst)} + TTL {ttl}s; {src})")


def _dns_from_topology(ctx: StackContext) -> Estimate:
    hc = ctx.section("dns", "healthCheck", default={}) or {}
    interval, threshold = hc.get("requestInterval", 10), hc.get("failureThreshold", 3)
    ttl = ctx.section("dns", "ttl", default=60)
    seconds = route53_failover_seconds(int(interval), int(threshold), int(ttl))
    peer = ctx.peer_stack or "primary"
    return Estimate(
        seconds,
        f"Route 53 failover {fmt(seconds)} per the topology's dns settings ({interval} s x {threshold} + TTL {ttl} s; "
        f"records in stack {peer}, checked there; {FIGURES['route53.failover'].source})",
    )


def _workloads(ix: Index, ctx: StackContext, cite: _Cite) -> tuple[Levels, str | None]:
    deployments = ix.of_type(DEPLOYMENT)
    if not deployments:
        return _none("no Deployment in this stack", "declare the workloads component"), None
    stateless = Estimate(0, "stateless Deployments: no data lives in the pods")
    replicas: dict[str, int] = {}
    unknown = False
    spread = True
    for d in deployments:
        n = d.get("spec", "replicas", default=1)
        name = d.get("metadata", "name")
        if is_unknown(n) or is_unknown(name):
            unknown = True
            continue
        replicas[name if isinstance(name, str) else d.name] = int(n)
        constraints = d.get("spec", "template", "spec", "topologySpreadConstraints", default=[]) or []
        if is_unknown(constraints) or not any(isinstance(c, Mapping) and c.get("topologyKey") == ZONE_KEY for c in constraints):
            spread = False
    out: Levels = {}
    if unknown:
        u = Estimate.unknown("replica counts are computed during preview")
        return {lvl: (stateless, u) for lvl in LEVELS}, deployments[0].urn
    least = min(replicas.values())
    if least >= 2:
        out["L1"] = (stateless, Estimate(0, f"at least {least} replicas per Deployment keep serving (readiness probes drop a failed pod)"))
    else:
        out["L1"] = (stateless, cite.est("k8s.pod_start", f"restarting a pod of a {least}-replica Deployment", "run at least 2 replicas"))
    if least >= 2 and spread:
        out["L2"] = (stateless, Estimate(0, f"replicas spread over zones ({ZONE_KEY}) keep serving from the other AZs"))
    else:
        why = "no zone spread" if least >= 2 else f"a {least}-replica Deployment"
        out["L2"] = (stateless, cite.est("k8s.pod_start", f"rescheduling pods in the remaining AZs ({why})", "run at least 2 replicas spread over zones"))

    dns = _dns_from_resources(ix)
    if dns is None and ctx.site == "primary":
        dns = Estimate(None, "no Route 53 failover record sends traffic to the other region", "declare failover records with health checks (traffic component)")
    elif dns is None:
        dns = _dns_from_topology(ctx)
    if ctx.active:
        standby_nodes = ctx.section("kubernetes", "nodesPerAz", "standby")
        standby = {
            name: (svc.get("replicas") or {}).get("standby", 0)
            for name, svc in (ctx.section("workloads", "services", default={}) or {}).items()
            if isinstance(svc, Mapping)
        }
        scale = _scale_up(ctx, cite, standby_nodes if isinstance(standby_nodes, int) else None, standby, source=f"per the topology (stack {ctx.peer_stack or 'dr'} checks its own)")
    else:
        sizes = [ng.get("scalingConfig", "desiredSize") for ng in ix.of_type(NODE_GROUP)]
        nodes = min((int(s) for s in sizes if isinstance(s, (int, float))), default=None)
        scale = _scale_up(ctx, cite, nodes, replicas, source="(this stack's node groups and Deployments)")
    out["L3"] = (stateless, _plus(dns, scale))
    out["L4"] = (stateless, cite.est("k8s.pod_start", "rolling back to the previous image"))
    return out, deployments[0].urn


_ESTIMATORS = {
    "database": _database,
    "objectStore": _object_store,
    "cache": _cache,
    "queue": _queue,
    "secrets": _secrets,
    "workloads": _workloads,
}


def region_loss_reduced(ctx: StackContext) -> str | None:
    """Why L3 is not assessed as a miss right now, or None when it is."""
    if ctx.site == "dr" and ctx.active and ctx.allow_data_loss:
        return (
            f"failed over with allowDataLoss: {ctx.region} serves while the other region is down; the region-loss "
            "path returns when that region is back as a secondary (design §4.6)"
        )
    if ctx.site == "dr" and ctx.active and ctx.failover == "detach" and ctx.global_cluster_owner == "primary":
        return (
            f"failed over: {ctx.region} serves with no live second region; the region-loss path returns "
            "when failback re-creates the primary region as a secondary (design §4.6)"
        )
    if not ctx.peer_wired:
        return (
            "first deployment (peerWired: false): replication to the dr region, its backup copies and the "
            "SECONDARY records do not exist yet"
        )
    return None


def estimate_matrix(
    resources: Iterable[Res | Mapping[str, Any]],
    config: Mapping[str, Any] | StackContext,
    *,
    stack: str = "",
) -> Matrix:
    """The per-component, per-level matrix of targets and estimates for one stack."""
    ctx = config if isinstance(config, StackContext) else from_config(config, stack)
    ix = resources if isinstance(resources, Index) else Index(resources)
    cite = _Cite(ctx)
    matrix = Matrix(ctx)
    reduced = region_loss_reduced(ctx)
    for comp in COMPONENTS:
        if not ctx.has_target(comp):
            continue
        levels, subject = _ESTIMATORS[comp](ix, ctx, cite)
        for lvl in LEVELS:
            rpo, rto = levels[lvl]
            if lvl == "L3" and reduced:
                rpo = rto = Estimate.reduced(reduced)
            matrix.cells.append(
                Cell(
                    component=comp,
                    level=lvl,
                    rto_target=ctx.target(comp, "rto", lvl),
                    rpo_target=ctx.target(comp, "rpo", lvl),
                    rto=rto,
                    rpo=rpo,
                    subject=subject,
                )
            )
    return matrix
