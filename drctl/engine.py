"""The offline engine: runs the real `__main__.py` in-process, without a cloud or the CLI.

It uses Pulumi's documented mock runtime (`pulumi.runtime.set_mocks`) with a monitor that
captures every registration the way the engine would receive it: type, name, parent,
provider (and so region), inputs, dependencies and options, plus the raw input Struct that
the policy pack's `Analyze` wants. Mocked outputs are deterministic (derived from the URN),
so two runs of the same config give the same capture and can be diffed.

Used by `drctl plan|check|preview`, the tests and the benchmarks: one way to run the
program offline.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import hashlib
import json
import logging
import os
import runpy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Iterable
from typing import Any

from .stackconfig import RawConfig, load_raw_config

ACCOUNT = "123456789012"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_MARK = "[secret]"
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
COMPUTED_MARK = "[computed]"


class EngineError(Exception):
    """The program failed under the offline engine (a config error, a missing peer...).

    `resources` holds what was registered before the failure (empty when the program
    stopped before creating anything, as a config error must)."""

    def __init__(self, message: str, resources: list["Registration"] | None = None):
        super().__init__(message)
        self.resources: list[Registration] = list(resources or [])


@dataclass
class Registration:
    """One resource as the engine saw it."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    provider: str
    """`<provider-urn>::<id>`, or "" (no explicit provider)."""
    inputs: dict[str, Any]
    """Plain inputs with engine (camelCase) names; secrets as `[secret]`, unknowns as `[computed]`."""
    struct: Any = None
    """The raw input Struct (`request.object`), as the policy pack receives it."""
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    protect: bool | None = None
    retain_on_delete: bool | None = None
    ignore_changes: list[str] = field(default_factory=list)
    delete_before_replace: bool | None = None
    replace_on_changes: list[str] = field(default_factory=list)
    additional_secret_outputs: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    id: str = ""
    region: str | None = None
    """The region the resource is managed in (from its provider); None for components."""
    component: str | None = None
    """The DTEM component it belongs to (`dtem-dr:<file>:<Class>` ancestor's file)."""
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")

    @property
    def provider_urn(self) -> str:
        return self.provider.rsplit("::", 1)[0] if self.provider else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "custom": self.custom,
            "provider": self.provider,
            "region": self.region,
            "component": self.component,
            "protect": bool(self.protect),
            "retainOnDelete": bool(self.retain_on_delete),
            "ignoreChanges": self.ignore_changes,
            "deleteBeforeReplace": bool(self.delete_before_replace),
            "replaceOnChanges": self.replace_on_changes,
            "dependencies": self.dependencies,
            "inputs": self.inputs,
        }


@dataclass
class Invoke:
    """One data-source call (invoke) the program made: the engine answers these at every
    `up`, so they are dependencies of the run (drctl's failover plan, check 4)."""

    token: str
    provider: str
    """`<provider-urn>::<id>`, or "" (default provider)."""
    region: str | None
    args: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"token": self.token, "provider": self.provider, "region": self.region, "args": self.args}


@dataclass
class Capture:
    """Everything one offline run of one stack produced."""

    project: str
    stack: str
    config: dict[str, str]
    resources: list[Registration]
    exports: dict[str, Any]
    logs: list[tuple[str, str]]
    preview: bool
    invokes: list[Invoke] = field(default_factory=list)
    """Every invoke, in call order."""

    def by_urn(self) -> dict[str, Registration]:
        return {r.urn: r for r in self.resources}

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_]

    def custom(self) -> list[Registration]:
        """Cloud resources: custom, not providers, not the StackReference."""
        return [r for r in self.resources if r.custom and not r.is_provider and r.type != "pulumi:pulumi:StackReference"]

    def warnings(self) -> list[str]:
        return [m for sev, m in self.logs if sev == "warning"]


# ---------------------------------------------------------------------------------------
# Value conversion
# ---------------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """Struct-as-dict -> plain data: secrets masked, unknowns marked, numbers kept."""
    if isinstance(value, dict):
        if value.get(_SIG_KEY) == _SECRET_SIG:
            return SECRET_MARK
        if _SIG_KEY in value:
            # resource reference / asset: keep its identity only
            return {k: plain(v) for k, v in value.items() if k != _SIG_KEY}
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if value == UNKNOWN:
        return COMPUTED_MARK
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _short(text: str, n: int = 8) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


# ---------------------------------------------------------------------------------------
# Mocks: deterministic outputs for every type the project uses
# ---------------------------------------------------------------------------------------


def _mocks_and_monitor(
    region_of_provider: dict[str, str],
    peer_outputs: dict[str, Any] | None,
    captured: list[Registration],
    invokes: list[Invoke] | None = None,
):
    import pulumi
    from google.protobuf import json_format, struct_pb2
    from pulumi.runtime import mocks as pm

    def region_for(provider_ref: str) -> str | None:
        return region_of_provider.get(provider_ref.rsplit("::", 1)[0]) if provider_ref else None

    class OfflineMocks(pm.Mocks):
        def new_resource(self, args: pm.MockResourceArgs):
            typ, name, inputs = args.typ, args.name, dict(args.inputs)
            if typ == "pulumi:pulumi:StackReference":
                if peer_outputs is None:
                    raise EngineError(
                        f"the program reads stack {args.resource_id or name!r}, and no peer outputs were given "
                        "(run the peer stack first)"
                    )
                return args.resource_id or name, {"name": name, "outputs": peer_outputs, "secretOutputNames": []}
            if typ.startswith("pulumi:providers:"):
                return f"{name}-provider-id", inputs
            region = region_for(args.provider) or "unknown-region"
            return _fake_outputs(typ, name, inputs, region)

        def call(self, args: pm.MockCallArgs):
            region = region_for(args.provider) or "unknown-region"
            tok = args.token
            if invokes is not None:
                invokes.append(Invoke(tok, args.provider or "", region_for(args.provider), plain(dict(args.args))))
            if tok == "aws:index/getAvailabilityZones:getAvailabilityZones":
                # us-west-1 really offers two AZs to most accounts: handy to test the refusal.
                letters = {"us-east-1": "abcdef", "us-west-1": "ac"}.get(region, "abcd")
                names = [f"{region}{c}" for c in letters]
                return {
                    "names": names,
                    "zoneIds": [f"{region[:2]}{region.split('-')[1][:1]}{region[-1]}-az{i + 1}" for i in range(len(names))],
                    "groupNames": [region] * len(names),
                    "id": region,
                    "state": "available",
                }
            if tok == "aws:route53/getZone:getZone":
                zone = args.args.get("name", "example.com")
                return {"zoneId": f"Z{_short(zone, 12).upper()}", "name": zone, "id": f"Z{_short(zone, 12).upper()}", "nameServers": []}
            if tok == "aws:index/getCallerIdentity:getCallerIdentity":
                return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/offline", "userId": "OFFLINE", "id": ACCOUNT}
            if tok == "aws:index/getRegion:getRegion":
                return {"name": region, "region": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com"}
            raise EngineError(f"the offline engine has no answer for invoke {tok}; add one in drctl/engine.py")

    class CapturingMonitor(pm.MockMonitor):
        def make_urn(self, parent: str, type_: str, name: str, stack: str | None = None, project: str | None = None) -> str:
            # The real engine qualifies a type with its parent's *whole* type chain and
            # leaves the root stack out (`RegionalTopology$GlobalDatabase$aws:rds/...`);
            # the stock mock keeps only the parent's last type and prefixes children of the
            # stack with `pulumi:pulumi:Stack$`. URNs must be the real ones: they are what
            # the URN snapshot protects and what a real state would hold.
            if parent:
                qualified = parent.split("::")[2]
                if qualified != ROOT_STACK_TYPE:
                    type_ = f"{qualified}${type_}"
            return "urn:pulumi:" + "::".join(
                [stack or pulumi.get_stack(), project or pulumi.get_project(), type_, name]
            )

        def alias_urns(self, request) -> list[str]:
            """Aliases as full URNs: the SDK sends specs (name/type/parent deltas)."""
            urns = []
            for alias in request.aliases:
                if alias.urn:
                    urns.append(alias.urn)
                    continue
                spec = alias.spec
                parent = "" if spec.noParent else (spec.parentUrn or request.parent)
                urns.append(
                    self.make_urn(
                        parent,
                        spec.type or request.type,
                        spec.name or request.name,
                        stack=spec.stack or None,
                        project=spec.project or None,
                    )
                )
            return list(dict.fromkeys(urns))

        def RegisterResource(self, request):
            response = super().RegisterResource(request)
            self._capture(request, response.urn, response.id)
            return response

        def ReadResource(self, request):
            response = super().ReadResource(request)
            self._capture(request, response.urn, request.id, read=True)
            return response

        def _capture(self, request, urn: str, id_: str, read: bool = False) -> None:
            if request.type == "pulumi:pulumi:Stack":
                return
            obj = request.properties if read else request.object
            struct = struct_pb2.Struct()
            struct.CopyFrom(obj)
            inputs = plain(json_format.MessageToDict(struct))
            reg = Registration(
                urn=urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=True if read else bool(request.custom),
                provider=request.provider,
                inputs=inputs,
                struct=struct,
                id=id_ or "",
            )
            if not read:
                reg.dependencies = list(request.dependencies)
                reg.property_dependencies = {k: list(v.urns) for k, v in request.propertyDependencies.items()}
                reg.protect = request.protect if request.HasField("protect") else None
                reg.retain_on_delete = request.retainOnDelete if request.HasField("retainOnDelete") else None
                reg.ignore_changes = list(request.ignoreChanges)
                reg.delete_before_replace = request.deleteBeforeReplace if request.deleteBeforeReplaceDefined else None
                reg.replace_on_changes = list(request.replaceOnChanges)
                reg.additional_secret_outputs = list(request.additionalSecretOutputs)
                reg.aliases = self.alias_urns(request)
            if reg.is_provider and "region" in inputs:
                region_of_provider[urn] = inputs["region"]
            reg.region = region_for(reg.provider) if reg.custom else None
            if reg.custom and reg.type.startswith("pulumi-python:dynamic") and isinstance(inputs.get("region"), str):
                # A dynamic resource has no AWS provider: it acts where its boto3 client
                # points, which the project's promotions take from their `region` input.
                reg.region = inputs["region"]
            if reg.is_provider:
                reg.region = inputs.get("region")
                if reg.region is None:
                    # e.g. the Kubernetes provider: its region is its cluster's.
                    for dep in [*reg.dependencies, *sum(reg.property_dependencies.values(), [])]:
                        dep_region = next((r.region for r in captured if r.urn == dep and r.region), None)
                        if dep_region:
                            reg.region = dep_region
                            region_of_provider[urn] = dep_region
                            break
            registered = self.resources.get(urn)
            reg.outputs = plain(registered.state) if registered is not None else {}
            captured.append(reg)

    return OfflineMocks(), CapturingMonitor, pulumi


_ARN_SERVICE = {
    "aws:rds/cluster:Cluster": ("rds", "cluster:{id}"),
    "aws:rds/clusterInstance:ClusterInstance": ("rds", "db:{id}"),
    "aws:rds/globalCluster:GlobalCluster": ("rds", "global-cluster:{id}"),
    "aws:rds/subnetGroup:SubnetGroup": ("rds", "subgrp:{id}"),
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": ("rds", "cluster-pg:{id}"),
    "aws:mq/broker:Broker": ("mq", "broker:{name}:{id}"),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("elasticache", "replicationgroup:{id}"),
    "aws:secretsmanager/secret:Secret": ("secretsmanager", "secret:{id}"),
    "aws:backup/vault:Vault": ("backup", "backup-vault:{id}"),
    "aws:backup/plan:Plan": ("backup", "backup-plan:{id}"),
    "aws:eks/cluster:Cluster": ("eks", "cluster/{id}"),
    "aws:eks/nodeGroup:NodeGroup": ("eks", "nodegroup/{id}"),
    "aws:ec2/vpc:Vpc": ("ec2", "vpc/{id}"),
    "aws:ec2/subnet:Subnet": ("ec2", "subnet/{id}"),
    "aws:ec2/securityGroup:SecurityGroup": ("ec2", "security-group/{id}"),
    "aws:route53/healthCheck:HealthCheck": ("route53", "healthcheck/{id}"),
}


def _fake_outputs(typ: str, name: str, inputs: dict[str, Any], region: str) -> tuple[str, dict[str, Any]]:
    """Deterministic ids and computed outputs, shaped like the provider's (camelCase)."""
    h = _short(f"{typ}/{name}/{region}")
    out = dict(inputs)
    rid = f"{name}-{h}"
    if typ == "aws:kms/key:Key":
        key_id = f"mrk-{_short(name + region, 32)}" if inputs.get("multiRegion") else _short(name, 32)
        rid = key_id
        out.update(keyId=key_id, arn=f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}")
    elif typ == "aws:kms/replicaKey:ReplicaKey":
        primary = str(inputs.get("primaryKeyArn", ""))
        key_id = primary.rsplit("/", 1)[-1] if "/" in primary else f"mrk-{_short(name, 32)}"
        rid = key_id
        out.update(keyId=key_id, arn=f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}")
    elif typ == "aws:s3/bucket:Bucket":
        rid = inputs.get("bucket") or rid
        out.update(bucket=rid, arn=f"arn:aws:s3:::{rid}", region=region, bucketDomainName=f"{rid}.s3.amazonaws.com")
    elif typ == "aws:rds/globalCluster:GlobalCluster":
        rid = inputs.get("globalClusterIdentifier") or rid
        out.update(arn=f"arn:aws:rds::{ACCOUNT}:global-cluster:{rid}", globalClusterResourceId=f"cluster-{h}")
    elif typ == "aws:rds/cluster:Cluster":
        rid = inputs.get("clusterIdentifier") or rid
        out.update(
            clusterIdentifier=rid,
            endpoint=f"{rid}.cluster-c{h}.{region}.rds.amazonaws.com",
            readerEndpoint=f"{rid}.cluster-ro-c{h}.{region}.rds.amazonaws.com",
            clusterResourceId=f"cluster-{h.upper()}",
        )
    elif typ == "aws:rds/clusterInstance:ClusterInstance":
        rid = inputs.get("identifier") or rid
        out.update(endpoint=f"{rid}.c{h}.{region}.rds.amazonaws.com")
    elif typ == "aws:elasticache/replicationGroup:ReplicationGroup":
        rid = inputs.get("replicationGroupId") or rid
        out.update(primaryEndpointAddress=f"master.{rid}.{h}.{region[:6]}.cache.amazonaws.com", readerEndpointAddress=f"replica.{rid}.{h}.cache.amazonaws.com")
    elif typ == "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup":
        rid = f"ldgnf-{inputs.get('globalReplicationGroupIdSuffix', name)}"
        out.update(globalReplicationGroupId=rid, arn=f"arn:aws:elasticache::{ACCOUNT}:globalreplicationgroup:{rid}")
    elif typ == "aws:mq/broker:Broker":
        rid = f"b-{_short(name + region, 8)}-{h}"
        out.update(instances=[{"consoleUrl": f"https://{rid}-1.mq.{region}.amazonaws.com:8162"}])
    elif typ == "aws:eks/cluster:Cluster":
        rid = inputs.get("name") or rid
        out.update(
            endpoint=f"https://{h.upper()}.gr7.{region}.eks.amazonaws.com",
            certificateAuthority={"data": "T0ZGTElORS1DQQ=="},
            identities=[{"oidcs": [{"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{h.upper()}"}]}],
        )
    elif typ == "aws:backup/vault:Vault":
        rid = inputs.get("name") or rid
    elif typ == "aws:secretsmanager/secret:Secret":
        rid = f"{inputs.get('name', name)}-{h[:6]}"
    elif typ == "aws:ecr/repository:Repository":
        rid = inputs.get("name") or rid
        out.update(repositoryUrl=f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/{rid}", registryId=ACCOUNT, arn=f"arn:aws:ecr:{region}:{ACCOUNT}:repository/{rid}")
    elif typ == "aws:iam/role:Role":
        out.update(arn=f"arn:aws:iam::{ACCOUNT}:role/{rid}", name=rid)
    elif typ == "aws:route53/healthCheck:HealthCheck":
        rid = f"{h}-0000-0000-0000-{_short(name, 12)}"
    elif typ == "kubernetes:core/v1:Service":
        spec = inputs.get("spec") or {}
        if spec.get("type") == "LoadBalancer":
            out["status"] = {"loadBalancer": {"ingress": [{"hostname": f"k8s-{name[:20]}-{h}.elb.{region}.amazonaws.com"}]}}
    if typ.startswith("kubernetes:"):
        meta = dict(inputs.get("metadata") or {})
        meta.setdefault("name", name)
        out["metadata"] = meta
        ns = meta.get("namespace")
        rid = f"{ns}/{meta['name']}" if ns else meta["name"]
    if typ in _ARN_SERVICE and "arn" not in out:
        service, resource = _ARN_SERVICE[typ]
        out["arn"] = f"arn:aws:{service}:{region}:{ACCOUNT}:{resource.format(id=rid, name=inputs.get('brokerName', name))}"
    out.setdefault("id", rid)
    return rid, out


# ---------------------------------------------------------------------------------------
# Running a stack
# ---------------------------------------------------------------------------------------


def _component_of(reg: Registration, by_urn: dict[str, Registration]) -> str | None:
    node: Registration | None = reg
    while node is not None:
        if node.type.startswith("dtem-dr:") and node.type != "dtem-dr:region:RegionalTopology":
            return node.type.split(":")[1]
        node = by_urn.get(node.parent)
    return None


@contextlib.contextmanager
def _project_on_path(project_dir: Path):
    saved_path, saved_cwd = list(sys.path), os.getcwd()
    sys.path.insert(0, str(project_dir))
    os.chdir(project_dir)
    try:
        yield
    finally:
        sys.path[:] = saved_path
        os.chdir(saved_cwd)


_REPORTED: set[str] = set()
"""Messages of program failures already raised as `EngineError`."""


class _AlreadyReported(logging.Filter):
    """A failed output fails every resource that waits on it; asyncio then logs each of
    those futures as "exception was never retrieved", with a traceback, when they are
    collected -- after the failure was already reported once, cleanly. Drop exactly those."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return exc is None or str(exc) not in _REPORTED


def _reported(message: str, captured: list[Registration]) -> EngineError:
    asyncio_log = logging.getLogger("asyncio")
    if not any(isinstance(f, _AlreadyReported) for f in asyncio_log.filters):
        asyncio_log.addFilter(_AlreadyReported())
    _REPORTED.add(message)
    return EngineError(message, captured)


_HEAP_SETTLED = False


def _settle_import_heap() -> None:
    """Once per process, after the first run: move what is alive (the modules the program
    imported: pulumi, pulumi_aws, pulumi_kubernetes, pydantic models -- about 300,000
    objects) out of the collector's reach with `gc.freeze()`.

    Every full collection otherwise re-traces that import-time heap (0.15-0.2 s here) although
    none of it is ever garbage; `drctl plan` runs three stacks and paid for one or two of
    them, which made the project 2.5x slower than the same registrations from a flat script
    (`make bench`, figure 1). Frozen objects are still freed by reference counting; only
    cycles among them would outlive their use, and the run's own cycles are collected just
    before freezing."""
    global _HEAP_SETTLED
    if _HEAP_SETTLED or not gc.isenabled():
        return
    _HEAP_SETTLED = True
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def _no_full_collections():
    """Pause CPython's *full* (generation 2) garbage collections while a program runs.

    Pulumi's runtime keeps a few hundred objects per resource alive until the program ends
    (futures, tasks, outputs): they survive the young collections and are promoted to the
    oldest generation, so full collections come at a rate proportional to the number of
    resources, and each one re-traces the whole, growing heap -- quadratic. Measured with
    `make bench` (growth): a 1,000-workload stack spent about half its time in 12 full
    collections, and the cost per resource was 1.9x that of a 10-workload stack. Young
    collections still run (cycles of short-lived objects are freed as before); the
    thresholds are restored afterwards, so the garbage left in the old generation is
    collected at the next full collection the interpreter decides on."""
    saved = gc.get_threshold()
    gc.set_threshold(saved[0], saved[1], 1 << 30)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


class _LogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelname.lower(), record.getMessage()))


def run_program(
    fn: Callable[[], Any],
    *,
    project: str,
    stack: str,
    config: dict[str, str] | None = None,
    secret_keys: Iterable[str] = (),
    peer_outputs: dict[str, Any] | None = None,
    preview: bool = False,
    project_dir: Path | str | None = None,
    organization: str = "organization",
) -> Capture:
    """Run `fn` as the Pulumi program of `project`/`stack`, offline, and capture every
    registration. `fn` is `__main__.py` for a whole stack (`run_stack`) or a few lines
    building one component (the component tests): both go through the same mocks.

    `config` maps `ns:key` to string values (objects as JSON), as the CLI hands them to a
    program; `peer_outputs` answer the program's StackReference. `organization` is what
    `pulumi.get_organization()` returns: `organization` is the DIY (S3/file) backends'
    fixed name, a Pulumi Cloud org otherwise. A program failure (a
    `pulumi.RunError`, an error log, a missing peer output) raises `EngineError` with the
    program's message and the registrations made before it."""
    import warnings

    config = dict(config or {})
    captured: list[Registration] = []
    invokes: list[Invoke] = []
    region_of_provider: dict[str, str] = {}
    mocks, monitor_cls, pulumi = _mocks_and_monitor(region_of_provider, peer_outputs, captured, invokes)
    from pulumi.runtime import settings
    from pulumi.runtime.config import set_all_config

    logger = logging.getLogger(f"drctl.offline.{stack}")
    logger.propagate = False
    logger.handlers[:] = []
    collector = _LogCollector()
    logger.addHandler(collector)
    logger.setLevel(logging.DEBUG)

    settings.set_root_resource(None)
    set_all_config(config, secret_keys=list(secret_keys))
    pulumi.runtime.set_mocks(
        mocks,
        project=project,
        stack=stack,
        preview=preview,
        logger=logger,
        monitor=monitor_cls(mocks),
        organization=organization,
    )
    exports: dict[str, Any] = {}

    @pulumi.runtime.test
    def program():
        fn()
        root = settings.get_root_resource()
        outputs = dict(getattr(root, "outputs", {}) or {})
        return pulumi.Output.all(**outputs).apply(lambda values: exports.update(values))

    where = _project_on_path(Path(project_dir).resolve()) if project_dir is not None else contextlib.nullcontext()
    with where, warnings.catch_warnings(), _no_full_collections():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            program()
        except EngineError as err:
            raise _reported(str(err), captured) from None
        except pulumi.RunError as err:
            raise _reported(str(err), captured) from None
        except Exception as err:  # the program's own failure, e.g. a missing peer output
            cause = err
            while cause.__cause__ is not None or cause.__context__ is not None:
                if isinstance(cause, (pulumi.RunError, EngineError)):
                    break
                cause = cause.__cause__ or cause.__context__
            if isinstance(cause, (pulumi.RunError, EngineError)):
                raise _reported(str(cause), captured) from None
            raise
        finally:
            settings.set_root_resource(None)
    _settle_import_heap()
    errors = [m for sev, m in collector.records if sev == "error"]
    if errors:
        raise EngineError("\n".join(errors), captured)
    by_urn = {r.urn: r for r in captured}
    for reg in captured:
        reg.component = _component_of(reg, by_urn)
    # The runtime registers from several threads, so arrival order varies between runs;
    # every consumer (diffs, reports, goldens, the pack) gets one stable order instead.
    captured.sort(key=lambda r: r.urn)
    return Capture(
        project=project,
        stack=stack,
        config=config,
        resources=captured,
        exports=copy.deepcopy(plain(exports)),
        logs=collector.records,
        preview=preview,
        invokes=invokes,
    )


def run_stack(
    project_dir: Path | str,
    stack: str,
    *,
    overrides: dict[str, Any] | None = None,
    peer_outputs: dict[str, Any] | None = None,
    preview: bool = False,
    raw: RawConfig | None = None,
) -> Capture:
    """Run `__main__.py` of `project_dir` as stack `stack`, offline. `overrides` are config
    values (`ns:key`) set on top of the stack's (as `pulumi config set` would);
    `peer_outputs` answer the program's StackReference."""
    project_dir = Path(project_dir).resolve()
    raw = raw or load_raw_config(project_dir, stack)
    config = dict(raw.values)
    for key, value in (overrides or {}).items():
        config[key] = value if isinstance(value, str) else json.dumps(value)
    return run_program(
        lambda: runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__"),
        project=raw.project,
        stack=stack,
        config=config,
        secret_keys=raw.secret_keys,
        peer_outputs=peer_outputs,
        preview=preview,
        project_dir=project_dir,
    )


@dataclass
class Topology:
    """Both stacks, run in deployment order and wired to each other."""

    primary: Capture
    dr: Capture
    first_pass: Capture

    def __getitem__(self, stack: str) -> Capture:
        return {"primary": self.primary, "dr": self.dr}[stack]


def run_topology(
    project_dir: Path | str,
    *,
    overrides: dict[str, dict[str, Any]] | None = None,
    primary_stack: str = "primary",
    dr_stack: str = "dr",
    preview: bool = False,
) -> Topology:
    """The deployment order, offline: primary (first pass, no peer), dr (reads primary),
    primary again (wired to dr). `overrides` maps a stack name to its config overrides."""
    overrides = overrides or {}
    p_over = overrides.get(primary_stack, {})
    first = run_stack(project_dir, primary_stack, overrides={**p_over, "dtem-dr:peerWired": "false"}, preview=preview)
    dr = run_stack(project_dir, dr_stack, overrides=overrides.get(dr_stack), peer_outputs=first.exports, preview=preview)
    primary = run_stack(project_dir, primary_stack, overrides=p_over, peer_outputs=dr.exports, preview=preview)
    return Topology(primary=primary, dr=dr, first_pass=first)
