"""The validated stack configuration: the one model every other module reads.

`Pulumi.yaml` holds the topology shared by both stacks (project-level `config:`, key
`dtem-dr:topology`); `Pulumi.<stack>.yaml` holds only what differs per stack (`aws:region`,
`dtem-dr:role`, `dtem-dr:peerStack`). `load_stack_config` turns those raw values into a
`StackConfig` or raises one `ConfigError` that names the key, what was expected, what was
received and how to fix it -- before any resource exists. Only `__main__.py`, the policy
pack and `drctl` call it; components receive plain values from the model.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

PROJECT = "dtem-dr"
LEVELS: tuple[str, ...] = ("L1", "L2", "L3", "L4")
LEVEL_NAMES = {
    "L1": "component failure",
    "L2": "availability zone loss",
    "L3": "region loss",
    # Two regions cannot survive the loss of both; L4 is the path that does not rely on
    # live replication at all: backup copies (several regions lost, or a logical
    # corruption that replication faithfully copied everywhere).
    "L4": "several regions / replicated corruption",
}
ROLES = ("active", "standby")
SITES = ("primary", "dr")
COMPONENTS_WITH_TARGETS = ("database", "workloads", "queue", "cache", "objectStore", "secrets")
WORKLOAD_NAMES = ("api-gateway", "dte-service", "web-frontend")


class ConfigError(Exception):
    """A configuration mistake, with one message per problem; never shown with a traceback."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# ---------------------------------------------------------------------------------------
# Durations
# ---------------------------------------------------------------------------------------

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: Any) -> int:
    """`"0s"`, `"90s"`, `"15m"`, `"1h"`, `"1d"` -> seconds. Bare numbers are refused:
    `15` is ambiguous (minutes? seconds?) and a silent wrong unit breaks an RPO."""
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError(
            f'expected a duration like "15m" (units s, m, h, d); got {value!r}'
        )
    match = _DURATION.match(value)
    if not match:
        raise ValueError(
            f'expected a duration like "0s", "90s", "15m", "1h" or "1d"; got {value!r}'
        )
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def format_duration(seconds: float | int | None) -> str:
    """Seconds -> the shortest exact form of the config syntax (`900` -> `15m`)."""
    if seconds is None:
        return "unbounded"
    seconds = int(round(seconds))
    if seconds == 0:
        return "0s"
    for unit in ("d", "h", "m"):
        size = _UNIT_SECONDS[unit]
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    if seconds > 3600:
        return f"{seconds // 3600}h{(seconds % 3600) // 60}m"
    if seconds > 60:
        return f"{seconds // 60}m{seconds % 60}s"
    return f"{seconds}s"


Duration = Annotated[int, BeforeValidator(parse_duration)]


class _Model(BaseModel):
    """camelCase in YAML, snake_case in Python; unknown keys are typos and are refused."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=to_camel,
        populate_by_name=True,
    )


# ---------------------------------------------------------------------------------------
# Targets per disaster level
# ---------------------------------------------------------------------------------------


def _per_level(value: Any) -> Any:
    """`"1h"` means every level; a mapping names levels, `default` fills the rest."""
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - set(LEVELS) - {"default"})
        if unknown:
            raise ValueError(
                f"unknown disaster level {', '.join(map(repr, unknown))}: "
                f"levels are {', '.join(LEVELS)} (or `default` for the unnamed ones)"
            )
        missing = [lvl for lvl in LEVELS if lvl not in value]
        if missing and "default" not in value:
            raise ValueError(
                f"no target for level {', '.join(missing)}: name every level or add "
                f'`default: "<duration>"` for the levels not named'
            )
        out = {}
        for lvl in LEVELS:
            raw = value.get(lvl, value.get("default"))
            try:
                out[lvl] = parse_duration(raw)
            except ValueError as exc:
                raise ValueError(f"{lvl}: {exc}") from None
        return out
    if isinstance(value, str):
        seconds = parse_duration(value)
        return {lvl: seconds for lvl in LEVELS}
    raise ValueError(
        'expected a duration like "15m" or a mapping of levels '
        f'({{default: "15m", L3: "1h"}}); got {value!r}'
    )


LevelTargets = Annotated[dict[str, int], BeforeValidator(_per_level)]


class _Targeted(_Model):
    """A component with recovery targets: `rto` and `rpo`, per disaster level."""

    rto: LevelTargets
    """Recovery time objective per disaster level (seconds after parsing)."""
    rpo: LevelTargets
    """Recovery point objective per disaster level (seconds after parsing)."""


# ---------------------------------------------------------------------------------------
# Components
# ---------------------------------------------------------------------------------------


class NetworkSpec(_Model):
    cidrs: dict[str, str]
    """VPC CIDR per region; regions must not overlap (peering, failback)."""

    @field_validator("cidrs")
    @classmethod
    def _cidrs(cls, value: dict[str, str]) -> dict[str, str]:
        nets = {}
        for region, cidr in value.items():
            try:
                net = ipaddress.ip_network(cidr)
            except ValueError:
                raise ValueError(
                    f'{region}: expected an IPv4 CIDR like "10.10.0.0/16"; got {cidr!r}'
                ) from None
            if net.prefixlen > 20:
                raise ValueError(
                    f"{region}: expected a /20 or larger to hold 6 subnets over 3 AZs; got {cidr}"
                )
            nets[region] = net
        items = list(nets.items())
        for i, (ra, na) in enumerate(items):
            for rb, nb in items[i + 1 :]:
                if na.overlaps(nb):
                    raise ValueError(f"{ra} {na} overlaps {rb} {nb}: give each region its own range")
        return value


class NodeCounts(_Model):
    active: int = Field(ge=1)
    """Nodes per AZ when the region serves traffic."""
    standby: int = Field(ge=0)
    """Nodes per AZ while the region waits (0 = pilot light)."""

    @model_validator(mode="after")
    def _order(self) -> "NodeCounts":
        if self.standby > self.active:
            raise ValueError(
                f"standby ({self.standby}) must not exceed active ({self.active}): "
                "a standby region never needs more than an active one"
            )
        return self


class KubernetesSpec(_Model):
    version: str
    """EKS Kubernetes version."""
    instance_types: list[str] = Field(min_length=1)
    """Node group instance types."""
    nodes_per_az: NodeCounts
    """Node count per AZ by role."""


class BackupCopySpec(_Model):
    schedule: str = "cron(0 5 ? * * *)"
    """AWS Backup schedule (cron) of the cross-region copies."""
    interval: Duration = 86400
    """The schedule's interval, used by the estimate (L4 RPO): default 1d."""
    retention_days: int = Field(35, ge=1)
    """How long the copies are kept in the other region: default 35."""


class DatabaseSpec(_Targeted):
    engine_version: str
    """Aurora PostgreSQL version (both regions)."""
    instance_class: str
    """Instance class of the writer and readers."""
    database_name: str
    """Initial database (ForceNew: never change it)."""
    master_username: str
    """Master user of the primary cluster (ForceNew)."""
    backup_retention_days: int = Field(14, ge=1, le=35)
    """Automated backup retention (1-35): default 14."""
    preferred_backup_window: str = "03:00-04:00"
    """Daily backup window (UTC): default 03:00-04:00."""
    global_db_rpo: Duration | None = None
    """`rds.global_db_rpo`: commits wait when every secondary lags more (>= 20s); unset."""
    failover: Literal["detach", "managed"] = "detach"
    """How the flip promotes: detach-and-promote, or managed failover: default detach."""
    backup_copy: BackupCopySpec = BackupCopySpec()
    """Cross-region copies of snapshots (AWS Backup)."""

    @field_validator("global_db_rpo")
    @classmethod
    def _gdb_rpo(cls, value: int | None) -> int | None:
        if value is not None and value < 20:
            raise ValueError(f"rds.global_db_rpo is at least 20s (Aurora User Guide); got {value}s")
        return value


class ObjectStoreSpec(_Targeted):
    bucket_prefix: str = Field("dtem-files", pattern=r"^[a-z0-9][a-z0-9-]{2,40}$")
    """Bucket names are `<prefix>-<region>` (globally unique): default dtem-files."""
    replication_time_control: bool = True
    """S3 Replication Time Control (15-minute SLA): default on."""
    noncurrent_version_days: int = Field(90, ge=1)
    """Days old object versions are kept: default 90."""


class CacheSpec(_Targeted):
    strategy: Literal["global-datastore", "rebuild"]
    """`global-datastore` (DR is a secondary) or `rebuild` (DR creates its group when active)."""
    engine: Literal["redis", "valkey"] = "redis"
    """Engine of the replication group: default redis."""
    engine_version: str = "7.1"
    """Engine version: default 7.1."""
    node_type: str
    """Node type."""
    snapshot_retention_days: int = Field(7, ge=0, le=35)
    """Daily snapshots kept (0 disables them): default 7."""
    snapshot_window: str = "04:00-05:00"
    """Daily snapshot window (UTC): default 04:00-05:00."""
    restore_snapshot: str | None = None
    """rebuild: snapshot name to seed the DR group from when it is created; unset."""


class QueueSpec(_Targeted):
    engine_version: str = "5.18"
    """ActiveMQ version (CRDR needs 5.18+): default 5.18."""
    instance_type: str
    """Broker instance type (CRDR needs mq.m5.large or larger)."""
    username: str = "dtem"
    """Application user."""
    replication_username: str = "dtem-replication"
    """CRDR replication user."""


class SecretsSpec(_Targeted):
    recovery_window_days: int = Field(30, ge=7, le=30)
    """Days a deleted secret can be restored (7-30): default 30."""


class ReplicaCounts(_Model):
    active: int = Field(ge=0)
    """Replicas when the region serves traffic."""
    standby: int = Field(ge=0)
    """Replicas while the region waits."""

    @model_validator(mode="after")
    def _order(self) -> "ReplicaCounts":
        if self.standby > self.active:
            raise ValueError(
                f"standby ({self.standby}) must not exceed active ({self.active}); "
                "lower standby or raise active"
            )
        return self


class ServiceSpec(_Model):
    replicas: ReplicaCounts
    """Replica counts by role."""
    image: str | None = None
    """Container image; default: the workloads' image with the service name."""
    port: int = Field(8080, ge=1, le=65535)
    """Container port: default 8080."""
    public: bool = False
    """Exposed through a load balancer (and so the health checks): default false."""
    cpu: str = "250m"
    """CPU request: default 250m."""
    memory: str = "512Mi"
    """Memory request: default 512Mi."""


class WorkloadsSpec(_Targeted):
    strategy: Literal["warm", "pilot-light"]
    """`warm` (standby replicas >= 1) or `pilot-light` (standby replicas 0)."""
    namespace: str = "dtem"
    """Kubernetes namespace: default dtem."""
    image_repository: str
    """Image repository prefix; `<repo>/<service>:<tag>`."""
    image_tag: str
    """Image tag."""
    health_paths: dict[str, str] = {
        "liveness": "/health",
        "readiness": "/health",
        "database": "/health/db",
        "cache": "/health/redis",
    }
    """Health endpoints probed by Kubernetes and Route 53."""
    services: dict[str, ServiceSpec]
    """The Deployments by name."""

    @model_validator(mode="after")
    def _strategy(self) -> "WorkloadsSpec":
        for name, svc in self.services.items():
            if self.strategy == "warm" and svc.replicas.standby < 1:
                raise ValueError(
                    f"services.{name}.replicas.standby: the warm strategy keeps >= 1 replica "
                    f"in standby; got {svc.replicas.standby} (use strategy pilot-light or set >= 1)"
                )
            if self.strategy == "pilot-light" and svc.replicas.standby != 0:
                raise ValueError(
                    f"services.{name}.replicas.standby: the pilot-light strategy keeps 0 replicas "
                    f"in standby; got {svc.replicas.standby} (use strategy warm or set 0)"
                )
        if not any(svc.public for svc in self.services.values()):
            raise ValueError(
                "no service is `public: true`: Route 53 health checks need a public endpoint"
            )
        return self


class HealthCheckSpec(_Model):
    path: str = "/health"
    """Path probed by Route 53: default /health."""
    request_interval: Literal[10, 30] = 10
    """Seconds between checks (10 or 30; ForceNew): default 10."""
    failure_threshold: int = Field(3, ge=1, le=10)
    """Failed checks before unhealthy: default 3."""


class DnsSpec(_Model):
    zone: str
    """Route 53 hosted zone (must exist)."""
    records: dict[str, str] = Field(min_length=1)
    """Failover record name inside the zone -> the public service it points at."""
    ttl: int = Field(60, ge=0, le=3600)
    """Failover record TTL in seconds: default 60."""
    health_check: HealthCheckSpec = HealthCheckSpec()
    """Route 53 health check on each region's endpoint."""


class Assumptions(_Model):
    """Figures AWS does not publish; the estimate states them when it uses them."""

    mq_replication_lag: Duration = 60
    """Amazon MQ CRDR lag (no published figure; watch TotalReplicationLag): default 1m."""
    mq_promotion_time: Duration = 600
    """Amazon MQ CRDR promotion time (no published figure): default 10m."""
    secrets_replication_lag: Duration = 60
    """Secrets Manager replica lag (no published figure): default 1m."""
    pod_start_time: Duration = 60
    """Pods starting on warm nodes: default 1m."""
    node_start_time: Duration = 300
    """New EKS nodes joining: default 5m."""
    cache_restore_time: Duration = 1200
    """ElastiCache create + restore from snapshot: default 20m."""
    backup_restore_time: Duration = 3600
    """Aurora restore from a copied snapshot: default 1h."""


class Topology(_Model):
    regions: dict[Literal["primary", "dr"], str]
    """Region of each site."""
    availability_zones: int = Field(3, ge=3)
    """AZs used per region (looked up, the first N available): default 3."""
    network: NetworkSpec
    kubernetes: KubernetesSpec
    database: DatabaseSpec
    object_store: ObjectStoreSpec
    cache: CacheSpec
    queue: QueueSpec
    secrets: SecretsSpec
    workloads: WorkloadsSpec
    dns: DnsSpec
    assumptions: Assumptions = Assumptions()

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [s for s in SITES if s not in value]
        if missing:
            raise ValueError(f"expected both sites primary and dr; missing {', '.join(missing)}")
        for site, region in value.items():
            if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region):
                raise ValueError(f'{site}: expected an AWS region like "us-east-1"; got {region!r}')
        if value["primary"] == value["dr"]:
            raise ValueError(
                f"primary and dr are both {value['primary']}: a region-loss plan needs two regions"
            )
        return value

    @model_validator(mode="after")
    def _cross(self) -> "Topology":
        for site, region in self.regions.items():
            if region not in self.network.cidrs:
                raise ValueError(f"network.cidrs has no range for {region} (site {site})")
        for record, service in self.dns.records.items():
            svc = self.workloads.services.get(service)
            if svc is None or not svc.public:
                public = sorted(n for n, s in self.workloads.services.items() if s.public)
                raise ValueError(
                    f"dns.records.{record}: expected a public service ({', '.join(public)}); "
                    f"got {service!r} (mark it `public: true` or point the record elsewhere)"
                )
        return self

    def targets(self, component: str) -> _Targeted:
        """The component's spec, which carries its `rto` and `rpo` per level."""
        return getattr(self, _SNAKE[component])


_SNAKE = {
    "database": "database",
    "workloads": "workloads",
    "queue": "queue",
    "cache": "cache",
    "objectStore": "object_store",
    "secrets": "secrets",
}


class StackConfig(_Model):
    """Everything one stack's program needs, validated."""

    stack: str
    region: str
    role: Literal["active", "standby"]
    peer_stack: str
    peer_wired: bool = True
    """false only on the very first deployment of the primary stack (the dr stack
    does not exist yet): replication to DR, DR backup copies and the SECONDARY record are
    left out."""
    topology: Topology
    secrets_placeholder: bool = False
    """True when secret values were not available (offline runs)."""

    @property
    def site(self) -> str:
        return "primary" if self.region == self.topology.regions["primary"] else "dr"

    @property
    def peer_region(self) -> str:
        return self.topology.regions["dr" if self.site == "primary" else "primary"]

    @property
    def active(self) -> bool:
        return self.role == "active"


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------

_STACK_KEYS = {
    "aws:region": "the stack's AWS region",
    f"{PROJECT}:role": "active or standby",
    f"{PROJECT}:peerStack": "the other stack's name",
    f"{PROJECT}:peerWired": "true/false (first deployment only)",
    f"{PROJECT}:topology": "the topology object (Pulumi.yaml)",
    f"{PROJECT}:dbPassword": "secret: the application's database password",
    f"{PROJECT}:mqPassword": "secret: the broker application user's password",
    f"{PROJECT}:mqReplicationPassword": "secret: the CRDR replication user's password",
}
SECRET_KEYS = (f"{PROJECT}:dbPassword", f"{PROJECT}:mqPassword", f"{PROJECT}:mqReplicationPassword")


def _loc(loc: tuple[Any, ...]) -> str:
    parts = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif parts:
            parts.append(f".{item}")
        else:
            parts.append(str(item))
    return "".join(parts)


def _explain(exc: ValidationError, prefix: str) -> list[str]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
        key = f"{prefix}.{_loc(loc)}" if loc else prefix
        got = err.get("input")
        msg = err["msg"].removeprefix("Value error, ")
        kind = err["type"]
        if kind == "extra_forbidden":
            problems.append(f"{key}: unknown key (a typo?); remove it or check the spelling")
        elif kind == "missing":
            problems.append(f"{key}: required key is missing; add it")
        elif kind == "literal_error":
            problems.append(f"{key}: {msg}; got {got!r}")
        elif kind in ("greater_than_equal", "less_than_equal", "too_short"):
            problems.append(f"{key}: {msg}; got {got!r}")
        elif kind.endswith("_type") or kind.endswith("_parsing"):
            problems.append(f"{key}: {msg}; got {got!r}")
        else:
            problems.append(f"{key}: {msg}")
    return problems


def load_stack_config(raw: Mapping[str, Any], stack: str) -> StackConfig:
    """Validate one stack's raw config (keys as `ns:key`, values as strings or parsed
    objects, exactly what `pulumi.Config` or `PULUMI_CONFIG` hold)."""
    problems: list[str] = []
    for key in raw:
        if key.startswith(f"{PROJECT}:") and key not in _STACK_KEYS:
            near = ", ".join(k for k in _STACK_KEYS if k.startswith(f"{PROJECT}:"))
            problems.append(f"{key}: unknown key (a typo?); the project's keys are {near}")

    def need(key: str) -> Any:
        if key not in raw or raw[key] in (None, ""):
            problems.append(f"{key}: required; expected {_STACK_KEYS[key]} (pulumi config set {key.split(':', 1)[1] if key.startswith(PROJECT) else key} ... --stack {stack})")
            return None
        return raw[key]

    region = need("aws:region")
    role = need(f"{PROJECT}:role")
    peer = need(f"{PROJECT}:peerStack")
    topo_raw = need(f"{PROJECT}:topology")
    if isinstance(topo_raw, str):
        try:
            topo_raw = json.loads(topo_raw)
        except json.JSONDecodeError as exc:
            problems.append(f"{PROJECT}:topology: expected an object; the value is not JSON ({exc})")
            topo_raw = None
    wired_raw = raw.get(f"{PROJECT}:peerWired", True)
    if isinstance(wired_raw, str):
        if wired_raw.lower() not in ("true", "false"):
            problems.append(f"{PROJECT}:peerWired: expected true or false; got {wired_raw!r}")
        wired_raw = wired_raw.lower() != "false"
    if role is not None and role not in ROLES:
        problems.append(f"{PROJECT}:role: expected active or standby; got {role!r} (pulumi config set role active --stack {stack})")

    topology = None
    if topo_raw is not None:
        if not isinstance(topo_raw, Mapping):
            problems.append(f"{PROJECT}:topology: expected an object; got {type(topo_raw).__name__}")
        else:
            try:
                topology = Topology.model_validate(topo_raw)
            except ValidationError as exc:
                problems.extend(_explain(exc, "topology"))
    if topology is not None and region is not None:
        if region not in topology.regions.values():
            problems.append(
                f"aws:region: expected one of the topology's regions "
                f"({topology.regions['primary']} primary, {topology.regions['dr']} dr); got {region!r}"
            )
        elif region == topology.regions["primary"] and role == "standby":
            problems.append(
                f"{PROJECT}:role: the primary site ({region}) is the global writer and is always "
                f"active; got 'standby'. To fail back, follow the README's failback procedure"
            )
        if region == topology.regions["dr"] and not wired_raw:
            problems.append(
                f"{PROJECT}:peerWired: the dr stack always reads the primary stack's outputs; "
                "got false (remove the key)"
            )
    if topology is not None and region in topology.regions.values():
        site = "primary" if region == topology.regions["primary"] else "dr"
        for key in SECRET_KEYS:
            if key == f"{PROJECT}:dbPassword" and site != "primary":
                continue
            if raw.get(key) in (None, ""):
                name = key.split(":", 1)[1]
                problems.append(
                    f"{key}: required secret is not set; run `pulumi config set --secret {name} <value> --stack {stack}`"
                )
    if peer is not None and peer == stack:
        problems.append(f"{PROJECT}:peerStack: the peer must be the other stack; got this stack's own name {peer!r}")
    if problems:
        raise ConfigError(problems)

    placeholder = any(str(raw.get(k, "")).startswith(OFFLINE_SECRET) for k in SECRET_KEYS)
    return StackConfig(
        stack=stack,
        region=region,
        role=role,
        peer_stack=peer,
        peer_wired=wired_raw,
        topology=topology,
        secrets_placeholder=placeholder,
    )


OFFLINE_SECRET = "offline-placeholder-not-a-secret"
