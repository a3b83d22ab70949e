"""The validated stack configuration: the one model every other module reads.

`Pulumi.yaml` holds the topology shared by both stacks (project-level `config:`, key
`dtem-dr:topology`); `Pulumi.<stack>.yaml` holds only what differs per stack (`aws:region`,
`dtem-dr:role`, `dtem-dr:peerStack`). `load_stack_config` turns those raw values into a
`StackConfig` or raises one `ConfigError` that names the key, what was expected, what was
received and how to fix it -- before any resource exists. Only `__main__.py`, the policy
pack and `drctl` call it; components receive plain values from the model.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import re
from collections.abc import Iterable, Mapping
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

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


class Invalid(ValueError):
    """One bad value, said the one way every message is said:
    `<key>: expected <what>; got <value>; <how to fix it>`.

    `at` extends the key path below the field that raised it (`L3` under `rpo`,
    `standby` under `replicas`)."""

    def __init__(self, expected: str, got: Any, fix: str, at: str | None = None):
        self.expected = expected
        self.got = got
        self.fix = fix
        self.at = at
        super().__init__(f"expected {expected}; got {show(got)}; {fix}")

    def at_key(self, key: str) -> str:
        full = f"{key}.{self.at}" if self.at else key
        return f"{full}: expected {self.expected}; got {show(self.got)}; {self.fix}"


_NOTHING = object()
"""`got` of a key that is not set at all."""


def show(value: Any) -> str:
    """A received value as the user wrote it in YAML: strings quoted, mappings in flow style."""
    if value is _NOTHING:
        return "nothing"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return str(value)


def _closest(value: Any, options: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(str(value), list(options), n=1, cutoff=0.75)
    return matches[0] if matches else None


# ---------------------------------------------------------------------------------------
# Durations
# ---------------------------------------------------------------------------------------

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


_DURATION_EXPECTED = 'a duration like "0s", "90s", "15m", "1h" or "1d" (a whole number and one unit: s, m, h, d)'
_SPELLED = re.compile(r"^\s*(\d+)\s*([^\W\d_]+)\.?\s*$")


def _duration_fix(value: Any) -> str:
    # "15 minutos", "1 hora", "2 días", "30 seconds", "15min": the unit's first letter is
    # the config's unit in English and Spanish alike.
    if isinstance(value, str):
        match = _SPELLED.match(value)
        if match and match.group(2)[0].lower() in _UNIT_SECONDS:
            return f'write "{match.group(1)}{match.group(2)[0].lower()}"'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'add the unit, e.g. "{int(value)}m" for minutes or "{int(value)}s" for seconds'
    return 'write a whole number followed by s, m, h or d, e.g. "15m"'


def parse_duration(value: Any) -> int:
    """`"0s"`, `"90s"`, `"15m"`, `"1h"`, `"1d"` -> seconds. Bare numbers are refused:
    `15` is ambiguous (minutes? seconds?) and a silent wrong unit breaks an RPO.
    Raises `Invalid` (a ValueError) naming what was expected and how to write it."""
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match:
        raise Invalid(_DURATION_EXPECTED, value, _duration_fix(value))
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def format_duration(seconds: float | int | None) -> str:
    """Seconds -> the shortest exact form of the config syntax (`900` -> `15m`)."""
    if seconds is None:
        return "unbounded"
    seconds = int(round(seconds))
    if seconds == 0:
        return "0s"
    # The largest unit that divides exactly: "90s", not "1m30s", which the config refuses.
    for unit in ("d", "h", "m"):
        size = _UNIT_SECONDS[unit]
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


Duration = Annotated[int, BeforeValidator(parse_duration)]


class _Model(BaseModel):
    """camelCase in YAML, snake_case in Python; unknown keys are typos and are refused."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=to_camel,
        populate_by_name=True,
        use_attribute_docstrings=True,
    )


# ---------------------------------------------------------------------------------------
# Targets per disaster level
# ---------------------------------------------------------------------------------------


UNBOUNDED = "unbounded"


def _target(value: Any) -> int | None:
    """A duration, or `unbounded`: the stated choice of promising no bound at a level
    (e.g. a queue's RPO when a corruption is replicated: Amazon MQ keeps no point-in-time
    copy). The policy pack shows it as such; it is never a silent default."""
    if isinstance(value, str) and value.strip() == UNBOUNDED:
        return None
    return parse_duration(value)


def _per_level(value: Any) -> Any:
    """`"1h"` means every level; a mapping names levels, `default` fills the rest."""
    if isinstance(value, Mapping):
        for key in value:
            if key not in LEVELS and key != "default":
                near = _closest(key, [*LEVELS, "default"])
                raise Invalid(
                    f"a disaster level ({', '.join(LEVELS)}) or default",
                    key,
                    f'rename it to "{near}"' if near else "remove it",
                    at=str(key),
                )
        missing = [lvl for lvl in LEVELS if lvl not in value]
        if missing and "default" not in value:
            raise Invalid(
                f"a target for every level {', '.join(LEVELS)}, or a default for the levels not named",
                value,
                f'add default: "<duration>" or name {", ".join(missing)}',
            )
        out = {}
        for lvl in LEVELS:
            named = lvl if lvl in value else "default"
            try:
                out[lvl] = _target(value[named])
            except Invalid as exc:
                exc.at = named
                raise
        return out
    if isinstance(value, str):
        seconds = _target(value)
        return {lvl: seconds for lvl in LEVELS}
    raise Invalid(
        f"{_DURATION_EXPECTED}, or a mapping of levels like {{default: \"15m\", L3: \"1h\"}}",
        value,
        _duration_fix(value),
    )


LevelTargets = Annotated[dict[str, int | None], BeforeValidator(_per_level)]


class _Targeted(_Model):
    """A component with recovery targets: `rto` and `rpo`, per disaster level."""

    rto: LevelTargets
    """Recovery time objective per disaster level (seconds after parsing; None = `unbounded`)."""
    rpo: LevelTargets
    """Recovery point objective per disaster level (seconds after parsing; None = `unbounded`)."""


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
                raise Invalid(
                    'an IPv4 network like "10.10.0.0/16"', cidr, "write the network address and its prefix length", at=region
                ) from None
            if net.prefixlen > 20:
                raise Invalid(
                    "a /20 or larger (6 subnets over 3 AZs)", cidr, f'use a shorter prefix, e.g. "{net.supernet(new_prefix=16)}"', at=region
                )
            nets[region] = net
        items = list(nets.items())
        for i, (ra, na) in enumerate(items):
            for rb, nb in items[i + 1 :]:
                if na.overlaps(nb):
                    raise Invalid(
                        f"a range that does not overlap {rb} ({nb})",
                        str(na),
                        "give each region its own range (failback and peering need both)",
                        at=ra,
                    )
        return value


class NodeCounts(_Model):
    active: int = Field(ge=1)
    """Nodes per AZ when the region serves traffic."""
    standby: int = Field(ge=0)
    """Nodes per AZ while the region waits (0 = pilot light)."""

    @model_validator(mode="after")
    def _order(self) -> "NodeCounts":
        if self.standby > self.active:
            raise Invalid(
                f"at most active ({self.active}): a standby region never needs more than an active one",
                self.standby,
                "lower standby or raise active",
                at="standby",
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
    global_cluster_owner: Literal["primary", "dr"] = "primary"
    """Site whose stack declares the global cluster: `dr` during and after a detach
    failover's failback (README, Failback): default primary."""
    backup_copy: BackupCopySpec = BackupCopySpec()
    """Cross-region copies of snapshots (AWS Backup)."""

    @field_validator("global_db_rpo")
    @classmethod
    def _gdb_rpo(cls, value: int | None) -> int | None:
        if value is not None and value < 20:
            raise Invalid(
                "at least 20s (the floor of rds.global_db_rpo, Aurora User Guide)",
                format_duration(value),
                'set "20s" or more, or remove the key',
            )
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
            raise Invalid(
                f"at most active ({self.active}): a standby region never runs more than an active one",
                self.standby,
                "lower standby or raise active",
                at="standby",
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
    """Image repository prefix; `<repo>/<service>:<tag>`. `{region}` is replaced by the
    stack's region: with `<account>.dkr.ecr.{region}.amazonaws.com/<prefix>` the primary
    stack creates the repositories and replicates them to the dr region, and each region
    pulls from its own registry."""
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
                raise Invalid(
                    "at least 1 with strategy warm (a warm region keeps every service running)",
                    svc.replicas.standby,
                    "set it to 1 or more, or use strategy: pilot-light",
                    at=f"services.{name}.replicas.standby",
                )
            if self.strategy == "pilot-light" and svc.replicas.standby != 0:
                raise Invalid(
                    "0 with strategy pilot-light (a pilot-light region runs no pods until the flip)",
                    svc.replicas.standby,
                    "set it to 0, or use strategy: warm",
                    at=f"services.{name}.replicas.standby",
                )
        if not any(svc.public for svc in self.services.values()):
            raise Invalid(
                "at least one service with public: true (Route 53 health checks probe it)",
                sorted(self.services),
                "mark the service users reach with public: true",
                at="services",
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
    cache_replication_lag: Duration = 1
    """ElastiCache in-region replica lag (asynchronous; no published figure): default 1s."""
    object_restore_time: Duration = 3600
    """S3 restore of objects from previous versions (no published figure): default 1h."""


class Topology(_Model):
    regions: dict[Literal["primary", "dr"], str]
    """Region of each site."""
    availability_zones: int = 3
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

    @field_validator("availability_zones")
    @classmethod
    def _azs(cls, value: int) -> int:
        if value < 3:
            raise Invalid(
                "3 or more (a node, an instance and a NAT gateway per AZ; losing one AZ must leave two)",
                value,
                "set availabilityZones: 3",
            )
        return value

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [s for s in SITES if s not in value]
        if missing:
            raise Invalid(
                "both sites, primary and dr", dict(value), f"add {', '.join(f'{m}: <region>' for m in missing)}"
            )
        for site, region in value.items():
            if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region):
                raise Invalid('an AWS region like "us-east-1"', region, "use the region's code", at=site)
        if value["primary"] == value["dr"]:
            raise Invalid(
                "a dr region different from the primary region (a region-loss plan needs two regions)",
                value["dr"],
                "set regions.dr to another region, e.g. \"us-west-2\"",
                at="dr",
            )
        return value

    @model_validator(mode="after")
    def _cross(self) -> "Topology":
        for site, region in self.regions.items():
            if region not in self.network.cidrs:
                raise Invalid(
                    f"a range for every region of the topology, {region} ({site}) included",
                    sorted(self.network.cidrs),
                    f'add {region}: "<cidr>" under network.cidrs',
                    at="network.cidrs",
                )
        for record, service in self.dns.records.items():
            svc = self.workloads.services.get(service)
            if svc is None or not svc.public:
                public = sorted(n for n, s in self.workloads.services.items() if s.public)
                raise Invalid(
                    f"a public service ({', '.join(public)})",
                    service,
                    "mark the service public: true or point the record at a public one",
                    at=f"dns.records.{record}",
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
    allow_data_loss: bool = False
    """Managed promotions of this stack may lose what has not replicated
    (FailoverGlobalCluster AllowDataLoss, mq:Promote FAILOVER) instead of waiting for the
    other region (SwitchoverGlobalCluster, SWITCHOVER): set when that region is down."""
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
    f"{PROJECT}:allowDataLoss": "true/false (managed promotions with the other region down)",
    f"{PROJECT}:topology": "the topology object (Pulumi.yaml)",
    f"{PROJECT}:dbPassword": "secret: the database master user's password (primary only)",
    f"{PROJECT}:mqPassword": "secret: the broker application user's password",
    f"{PROJECT}:mqReplicationPassword": "secret: the CRDR replication user's password",
}
SECRET_KEYS = (f"{PROJECT}:dbPassword", f"{PROJECT}:mqPassword", f"{PROJECT}:mqReplicationPassword")
SECRET_DESCRIPTIONS = {
    f"{PROJECT}:dbPassword": "the database master user's password",
    f"{PROJECT}:mqPassword": "the broker application user's password",
    f"{PROJECT}:mqReplicationPassword": "the broker replication (CRDR) user's password",
}


def required_secrets(site: str) -> tuple[str, ...]:
    """The secrets a stack of `site` must set: the dr site joins the global database
    without master credentials, so it needs only the broker's."""
    return SECRET_KEYS if site == "primary" else tuple(k for k in SECRET_KEYS if k != f"{PROJECT}:dbPassword")


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


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            rest = [a for a in get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                return annotation
            annotation = rest[0]
        else:
            return annotation


def _model_at(path: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that holds the keys at `path` below the topology, if any."""
    node: Any = Topology
    for part in path:
        node = _unwrap(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = next((f for n, f in node.model_fields.items() if part in (n, f.alias)), None)
            if field is None:
                return None
            node = field.annotation
        elif get_origin(node) is dict:
            node = get_args(node)[1]
        else:
            return None
    node = _unwrap(node)
    return node if isinstance(node, type) and issubclass(node, BaseModel) else None


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


def _description(path: tuple[Any, ...]) -> str | None:
    model = _model_at(path[:-1])
    if model is None:
        return None
    field = next((f for n, f in model.model_fields.items() if path[-1] in (n, f.alias)), None)
    if field is None or not field.description:
        return None
    text = field.description.split(": default")[0].strip().rstrip(".")
    return text[0].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _quoted(text: str) -> str:
    return re.sub(r"'([^']*)'", r'"\1"', text)


_TYPE_NAMES = {
    "int": ("a whole number", "write a whole number, e.g. 3"),
    "bool": ("true or false", "write true or false"),
    "string": ("a string", 'quote the value, e.g. "text"'),
    "dict": ("a mapping of keys to values", "write it as key: value lines"),
    "model": ("a mapping of keys to values", "write it as key: value lines"),
    "list": ("a list", "write it as [a, b]"),
}


def _explain(exc: ValidationError, prefix: str) -> list[str]:
    problems = []
    errors = exc.errors(include_url=False)
    # A misspelt required key is one mistake, not two: the rename also fixes the "missing".
    renamed = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            parent = _model_at(err["loc"][:-1])
            near = _closest(err["loc"][-1], _keys_of(parent)) if parent is not None else None
            if near:
                renamed.add((*err["loc"][:-1], near))
    for err in errors:
        if err["type"] == "missing" and tuple(err["loc"]) in renamed:
            continue
        loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
        bad_key = bool(loc) and loc[-1] == "[key]"
        if bad_key:
            loc = loc[:-1]
        key = f"{prefix}.{_loc(loc)}" if loc else prefix
        got = err.get("input", _NOTHING)
        kind = err["type"]
        ctx = err.get("ctx") or {}
        error = ctx.get("error")
        if isinstance(error, Invalid):
            problems.append(error.at_key(key))
            continue
        if kind == "extra_forbidden":
            parent = _model_at(loc[:-1])
            allowed = _keys_of(parent) if parent is not None else []
            near = _closest(loc[-1], allowed)
            where = f"{prefix}.{_loc(loc[:-1])}" if loc[:-1] else prefix
            problem = Invalid(
                f"a key of {where} ({', '.join(allowed)})" if allowed else f"a key of {where}",
                str(loc[-1]),
                f'rename it to "{near}"' if near else "remove it (unknown keys are refused: they are usually typos)",
            )
        elif kind == "missing":
            what = _description(loc)
            where = f"{prefix}.{_loc(loc[:-1])}" if loc[:-1] else prefix
            problem = Invalid(f"a value ({what})" if what else "a value", _NOTHING, f"add {loc[-1]} under {where}")
        elif kind == "literal_error":
            options = re.findall(r"'([^']*)'", ctx.get("expected", ""))
            near = _closest(got, options)
            problem = Invalid(
                _quoted(ctx.get("expected", "one of the allowed values")),
                got,
                f'rename it to "{near}"' if bad_key and near else (f'use "{near}"' if near else "use one of them"),
            )
        elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
            op, bound = {
                "greater_than_equal": (">=", ctx.get("ge")),
                "greater_than": (">", ctx.get("gt")),
                "less_than_equal": ("<=", ctx.get("le")),
                "less_than": ("<", ctx.get("lt")),
            }[kind]
            more = "or more" if op.startswith(">") else "or less"
            problem = Invalid(f"a number {op} {bound}", got, f"set it to {bound} {more}" if "=" in op else f"set it {op} {bound}")
        elif kind == "too_short":
            n = ctx.get("min_length", 1)
            problem = Invalid(f"at least {n} item{'s' if n != 1 else ''}", got, "add the missing items")
        elif kind == "string_pattern_mismatch":
            problem = Invalid(f"a value matching {ctx.get('pattern')}", got, "change it to match (lowercase letters, digits, hyphens)")
        elif kind.split("_")[0] in _TYPE_NAMES and kind.endswith(("_type", "_parsing", "_from_float")):
            expected, fix = _TYPE_NAMES[kind.split("_")[0]]
            problem = Invalid(expected, got, fix)
        elif kind in ("model_attributes_type", "mapping_type"):
            expected, fix = _TYPE_NAMES["dict"]
            problem = Invalid(expected, got, fix)
        else:  # a pydantic check with no wording of ours yet: still name key and value
            problem = Invalid(_quoted(err["msg"]).removeprefix("Value error, "), got, f"correct {key}")
        problems.append(problem.at_key(key))
    return problems


def _cli_value(key: str) -> str:
    return key.split(":", 1)[1] if key.startswith(f"{PROJECT}:") else key


def _writer_can_leave_primary(topology: Topology) -> bool:
    db = topology.database
    return db.failover == "managed" or db.global_cluster_owner == "dr"


def load_stack_config(raw: Mapping[str, Any], stack: str) -> StackConfig:
    """Validate one stack's raw config (keys as `ns:key`, values as strings or parsed
    objects, exactly what `pulumi.Config` or `PULUMI_CONFIG` hold). Every problem is
    collected and raised as one `ConfigError`, each message saying
    `<key>: expected <what>; got <value>; <how to fix it>`."""
    problems: list[str] = []
    ours = [k.split(":", 1)[1] for k in _STACK_KEYS if k.startswith(f"{PROJECT}:")]
    for key in raw:
        if key.startswith(f"{PROJECT}:") and key not in _STACK_KEYS:
            name = key.split(":", 1)[1]
            near = _closest(name, ours)
            problems.append(
                Invalid(
                    f"a key of the project ({', '.join(ours)})",
                    name,
                    f'rename it to "{near}" (pulumi config rm {name} --stack {stack}; pulumi config set {near} ... --stack {stack})'
                    if near
                    else f"remove it (pulumi config rm {name} --stack {stack})",
                ).at_key(key)
            )

    def value(key: str) -> Any:
        got = raw.get(key)
        return _NOTHING if got in (None, "") else got

    region = value("aws:region")
    role = value(f"{PROJECT}:role")
    peer = value(f"{PROJECT}:peerStack")
    topo_raw = value(f"{PROJECT}:topology")
    other = {"primary": "dr", "dr": "primary"}.get(stack, "<the other stack>")

    if region is _NOTHING:
        problems.append(
            Invalid("the stack's AWS region", _NOTHING, f"run pulumi config set aws:region <region> --stack {stack}").at_key("aws:region")
        )
    if role is _NOTHING:
        problems.append(
            Invalid('"active" or "standby"', _NOTHING, f"run pulumi config set role <active|standby> --stack {stack}").at_key(
                f"{PROJECT}:role"
            )
        )
    elif role not in ROLES:
        near = _closest(role, ROLES)
        problems.append(
            Invalid('"active" or "standby"', role, f"run pulumi config set role {near or '<active|standby>'} --stack {stack}").at_key(
                f"{PROJECT}:role"
            )
        )
    if peer is _NOTHING:
        problems.append(
            Invalid("the other stack's name", _NOTHING, f"run pulumi config set peerStack {other} --stack {stack}").at_key(
                f"{PROJECT}:peerStack"
            )
        )
    elif peer == stack:
        problems.append(
            Invalid(
                "the other stack's name", peer, f"run pulumi config set peerStack {other} --stack {stack} (this stack is {stack})"
            ).at_key(f"{PROJECT}:peerStack")
        )

    wired_raw = raw.get(f"{PROJECT}:peerWired", True)
    if isinstance(wired_raw, str):
        if wired_raw.lower() not in ("true", "false"):
            problems.append(
                Invalid(
                    "true or false",
                    wired_raw,
                    f"run pulumi config rm peerWired --stack {stack} (false is only for the primary stack's first deployment)",
                ).at_key(f"{PROJECT}:peerWired")
            )
        wired_raw = wired_raw.lower() != "false"
    data_loss = raw.get(f"{PROJECT}:allowDataLoss", False)
    if isinstance(data_loss, str):
        if data_loss.lower() not in ("true", "false"):
            problems.append(
                Invalid(
                    "true or false",
                    data_loss,
                    f"run pulumi config set allowDataLoss true --stack {stack} (only when the other region is down)",
                ).at_key(f"{PROJECT}:allowDataLoss")
            )
        data_loss = data_loss.lower() == "true"

    if isinstance(topo_raw, str):
        try:
            topo_raw = json.loads(topo_raw)
        except json.JSONDecodeError as exc:
            problems.append(
                Invalid(
                    "an object", topo_raw[:60], f"give it in the value: form in Pulumi.yaml (not JSON: {exc.msg})"
                ).at_key(f"{PROJECT}:topology")
            )
            topo_raw = None
    topology = None
    if topo_raw is _NOTHING:
        problems.append(
            Invalid(
                "the topology object", _NOTHING, f"restore {PROJECT}:topology (value: form) in Pulumi.yaml's config"
            ).at_key(f"{PROJECT}:topology")
        )
    elif topo_raw is not None:
        if not isinstance(topo_raw, Mapping):
            problems.append(
                Invalid("an object", topo_raw, f"give {PROJECT}:topology in the value: form in Pulumi.yaml").at_key(
                    f"{PROJECT}:topology"
                )
            )
        else:
            try:
                topology = Topology.model_validate(topo_raw)
            except ValidationError as exc:
                problems.extend(_explain(exc, "topology"))

    site = None
    if topology is not None and region is not _NOTHING:
        sites = {r: s for s, r in topology.regions.items()}
        site = sites.get(region)
        if site is None:
            regions = topology.regions
            suggestion = regions.get(stack, "<region>")
            problems.append(
                Invalid(
                    f"a region of the topology, {regions['primary']} (primary) or {regions['dr']} (dr)",
                    region,
                    f"run pulumi config set aws:region {suggestion} --stack {stack}, or change topology.regions",
                ).at_key("aws:region")
            )
        elif site == "primary" and role == "standby" and not _writer_can_leave_primary(topology):
            # Standby on the primary site means the writer is elsewhere: after a managed
            # failover (same global cluster), or during a failback (the dr site owns it).
            problems.append(
                Invalid(
                    f'"active" on the primary site ({region} holds the global writer)',
                    role,
                    f"run pulumi config set role active --stack {stack} (to fail back, follow the README's failback section)",
                ).at_key(f"{PROJECT}:role")
            )
        if site == "primary" and not wired_raw and topology.database.global_cluster_owner == "dr":
            problems.append(
                Invalid(
                    "the key unset while topology.database.globalClusterOwner is dr (this stack joins the dr stack's "
                    "global cluster)",
                    False,
                    f"run pulumi config rm peerWired --stack {stack}",
                ).at_key(f"{PROJECT}:peerWired")
            )
        if site == "dr" and not wired_raw:
            problems.append(
                Invalid(
                    "the key unset on the dr site (the dr stack always reads the primary stack's outputs)",
                    False,
                    f"run pulumi config rm peerWired --stack {stack}",
                ).at_key(f"{PROJECT}:peerWired")
            )
    if site is not None:
        for key in required_secrets(site):
            if raw.get(key) in (None, ""):
                problems.append(
                    Invalid(
                        f"a secret ({SECRET_DESCRIPTIONS[key]})",
                        _NOTHING,
                        f"run pulumi config set --secret {_cli_value(key)} <value> --stack {stack}",
                    ).at_key(key)
                )
    if problems:
        raise ConfigError(problems)

    placeholder = any(str(raw.get(k, "")).startswith(OFFLINE_SECRET) for k in SECRET_KEYS)
    return StackConfig(
        stack=stack,
        region=region,
        role=role,
        peer_stack=peer,
        peer_wired=wired_raw,
        allow_data_loss=data_loss,
        topology=topology,
        secrets_placeholder=placeholder,
    )


OFFLINE_SECRET = "offline-placeholder-not-a-secret"
