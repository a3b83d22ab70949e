"""One shape for a resource, whoever hands it over: the analyzer (`ResourceValidationArgs`,
`PolicyResource`), drctl (plain dicts built from the offline engine's captures) or a test.

Values the engine cannot know yet (preview) stay in place as `UNKNOWN`; every reader asks
`is_unknown` before judging, so a computed value is skipped explicitly rather than read as
"missing" or crashing the policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The engine's unknown sentinels (pulumi_policy.proxy; pulumi/sdk properties.go) and the
# offline engine's marker for a computed value (drctl.engine.COMPUTED_MARK).
_SENTINELS = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
        "[computed]",
    }
)


class _Unknown:
    """A value the engine only knows after the update (e.g. an ARN during preview)."""

    _instance: "_Unknown | None" = None

    def __new__(cls) -> "_Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN = _Unknown()
MISSING = None

# Resource types, named once.
RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RDS_GLOBAL = "aws:rds/globalCluster:GlobalCluster"
RDS_PARAMS = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
S3_BUCKET = "aws:s3/bucket:Bucket"
S3_BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
S3_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
S3_VERSIONING_V2 = "aws:s3/bucketVersioningV2:BucketVersioningV2"
S3_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
S3_ENCRYPTION_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
S3_PUBLIC_ACCESS = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
S3_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
S3_LIFECYCLE_V2 = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
S3_REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
CACHE_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_GLOBAL = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup"
MQ_BROKER = "aws:mq/broker:Broker"
SECRET = "aws:secretsmanager/secret:Secret"
KMS_KEY = "aws:kms/key:Key"
KMS_REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
BACKUP_VAULT = "aws:backup/vault:Vault"

# Resources whose replacement or deletion loses data or breaks decryption (design §4.3,
# §4.4), with the name a message uses. The one list: the `stateful-resource-protected`
# policy and drctl's failover/preview classification (drctl.replacement) both read it.
STATEFUL = {
    RDS_GLOBAL: "Aurora global cluster",
    RDS_CLUSTER: "RDS cluster",
    RDS_INSTANCE: "RDS instance",
    S3_BUCKET: "S3 bucket",
    S3_BUCKET_V2: "S3 bucket",
    CACHE_GROUP: "ElastiCache replication group",
    CACHE_GLOBAL: "ElastiCache global datastore",
    MQ_BROKER: "Amazon MQ broker",
    SECRET: "secret",
    KMS_KEY: "KMS key",
    KMS_REPLICA_KEY: "KMS replica key",
    BACKUP_VAULT: "AWS Backup vault",
}
BACKUP_PLAN = "aws:backup/plan:Plan"
BACKUP_SELECTION = "aws:backup/selection:Selection"
SUBNET = "aws:ec2/subnet:Subnet"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
DNS_RECORD = "aws:route53/record:Record"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
STACK_REFERENCE = "pulumi:pulumi:StackReference"

S3_BUCKETS = (S3_BUCKET, S3_BUCKET_V2)
S3_VERSIONINGS = (S3_VERSIONING, S3_VERSIONING_V2)
S3_ENCRYPTIONS = (S3_ENCRYPTION, S3_ENCRYPTION_V2)
S3_LIFECYCLES = (S3_LIFECYCLE, S3_LIFECYCLE_V2)

# The property that holds each type's physical name: what a person recognises in AWS.
_LABEL_PROPS = {
    RDS_CLUSTER: ("clusterIdentifier",),
    RDS_INSTANCE: ("identifier",),
    RDS_GLOBAL: ("globalClusterIdentifier",),
    S3_BUCKET: ("bucket",),
    S3_BUCKET_V2: ("bucket",),
    CACHE_GROUP: ("replicationGroupId",),
    CACHE_GLOBAL: ("globalReplicationGroupIdSuffix",),
    MQ_BROKER: ("brokerName",),
    SECRET: ("name",),
    BACKUP_VAULT: ("name",),
    BACKUP_PLAN: ("name",),
    NODE_GROUP: ("nodeGroupName",),
}


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN or (isinstance(value, str) and value in _SENTINELS)


def plain(value: Any) -> Any:
    """Analyzer props (proxies that raise on unknown values) -> plain data with UNKNOWN
    in place of every unknown value. Uses only the proxies' public Mapping/Sequence face."""
    try:
        from pulumi_policy.proxy import UnknownValueError
    except ImportError:  # pragma: no cover - drctl without pulumi_policy
        UnknownValueError = KeyError  # type: ignore[assignment,misc]

    if isinstance(value, Mapping):
        out = {}
        for key in value:
            try:
                out[key] = plain(value[key])
            except UnknownValueError:
                out[key] = UNKNOWN
        return out
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        items = []
        for i in range(len(value)):
            try:
                items.append(plain(value[i]))
            except UnknownValueError:
                items.append(UNKNOWN)
        return items
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass
class Res:
    """A resource as the policies read it: type, names, plain camelCase properties, options."""

    type: str
    name: str
    urn: str
    props: dict[str, Any]
    protect: bool = False
    ignore_changes: tuple[str, ...] = ()
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    parent: str | None = None
    region: str | None = None

    def get(self, *path: Any, default: Any = MISSING) -> Any:
        """`res.get("spec", "replicas")`; UNKNOWN as soon as an unknown value is on the way."""
        node: Any = self.props
        for key in path:
            if is_unknown(node):
                return UNKNOWN
            if isinstance(key, int):
                if not isinstance(node, list) or key >= len(node):
                    return default
                node = node[key]
            else:
                if not isinstance(node, Mapping) or key not in node:
                    return default
                node = node[key]
        return UNKNOWN if is_unknown(node) else node

    @property
    def label(self) -> str:
        """The physical name when it is known (`dtem-db-us-east-1`), else the Pulumi name."""
        if self.type.startswith("kubernetes:"):
            name = self.get("metadata", "name")
            if isinstance(name, str):
                ns = self.get("metadata", "namespace")
                return f"{ns}/{name}" if isinstance(ns, str) else name
        for prop in _LABEL_PROPS.get(self.type, ()):
            value = self.get(prop)
            if isinstance(value, str) and value:
                return value
        return self.name

    def keys(self) -> set[str]:
        """Every way an exemption may name this resource."""
        return {self.urn, self.name, self.label}


def from_dict(item: Mapping[str, Any]) -> Res:
    """A resource dict (`type`, `name`, `urn`, `properties` camelCase; optionally `protect`,
    `ignoreChanges`, `propertyDependencies`, `dependencies`, `parent`, `region`)."""
    deps = item.get("propertyDependencies", item.get("property_dependencies")) or {}
    return Res(
        type=item["type"],
        name=item.get("name") or "",
        urn=item.get("urn") or "",
        props=plain(item.get("properties") or {}),
        protect=bool(item.get("protect")),
        ignore_changes=tuple(item.get("ignoreChanges", item.get("ignore_changes")) or ()),
        property_dependencies={k: list(v) for k, v in deps.items()},
        dependencies=list(item.get("dependencies") or []),
        parent=item.get("parent") or None,
        region=item.get("region"),
    )


def normalize(items: Iterable[Res | Mapping[str, Any]]) -> list[Res]:
    return [item if isinstance(item, Res) else from_dict(item) for item in items]


def arn_region(arn: Any) -> str | None:
    """The region field of an ARN (`arn:aws:mq:us-east-1:...` -> us-east-1); None when
    the ARN has none (S3, global resources) or the value is not an ARN."""
    if isinstance(arn, str) and arn.startswith("arn:"):
        parts = arn.split(":")
        if len(parts) > 3 and parts[3]:
            return parts[3]
    return None


def _identities(target: Res) -> set[str]:
    ids = {target.label}
    for prop in ("bucket", "id", "arn", "replicationGroupId", "clusterIdentifier", "globalClusterIdentifier"):
        value = target.get(prop)
        if isinstance(value, str) and value:
            ids.add(value)
    return {i for i in ids if i}


def _matches(value: Any, ids: set[str]) -> bool:
    if isinstance(value, str):
        return any(value == i or value.endswith(f":{i}") or value.endswith(f"/{i}") for i in ids)
    if isinstance(value, list):
        return any(_matches(v, ids) for v in value)
    return False


class Index:
    """The resources of one stack, with the look-ups the policies share."""

    def __init__(self, resources: Iterable[Res | Mapping[str, Any]]):
        self.resources = normalize(resources)
        self.by_urn = {r.urn: r for r in self.resources}

    def of_type(self, *types: str) -> list[Res]:
        return [r for r in self.resources if r.type in types]

    def refers(self, res: Res, prop: str, target: Res) -> bool | None:
        """Does `res.<prop>` point at `target`? Property dependencies answer even during
        preview (the value may be unknown, its origin is not); otherwise the value is
        compared with the target's names and ARN. None: cannot tell (unknown, no deps)."""
        deps = res.property_dependencies.get(prop)
        if deps and target.urn in deps:
            return True
        value = res.get(prop)
        if is_unknown(value):
            return None if not deps else False
        if value is MISSING:
            return False
        return _matches(value, _identities(target))

    def attached(self, types: tuple[str, ...] | str, target: Res, prop: str = "bucket") -> list[Res]:
        """Resources of `types` whose `prop` points at `target` (e.g. a bucket's versioning)."""
        if isinstance(types, str):
            types = (types,)
        return [r for r in self.of_type(*types) if self.refers(r, prop, target)]

    def peer_outputs(self) -> dict[str, Any]:
        """The peer stack's outputs, as the StackReference read them (AnalyzeStack sees a
        resource's outputs; the offline engine hands the same)."""
        for ref in self.of_type(STACK_REFERENCE):
            outputs = ref.get("outputs")
            if isinstance(outputs, Mapping):
                return dict(outputs)
        return {}
