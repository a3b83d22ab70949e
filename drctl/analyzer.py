"""Run the policy pack exactly as the Pulumi CLI does, and talk to it over gRPC.

The CLI starts a Python pack as `python -u -m pulumi.policy <engine-address> .` in the
pack's directory, with the stack's config in `PULUMI_CONFIG` (JSON, `ns:key` -> string)
and `PULUMI_PROJECT`, `PULUMI_STACK`, `PULUMI_DRY_RUN`, `PULUMI_ORGANIZATION`; the pack
prints its port on the first line of stdout and serves the Analyzer service. This module
does the same (testing.md, "Testing the policy pack through its real interface") with the
stubs shipped in the SDK (`pulumi.runtime.proto`):

    with PolicyPackProcess(config=capture.config, stack="dr") as pack:
        pack.configure(json.loads(Path("policies/config.json").read_text()))
        result = pack.analyze_capture(capture)       # Analyze per resource + AnalyzeStack

What the engine does and the harness copies:
- `Configure` gets every policy's config: the schema defaults from `GetAnalyzerInfo`,
  then `all`, then the given file's entries (pulumi/pkg `ReconcilePolicyPackConfig`);
- `Analyze` gets a resource's inputs, options (`protect`, `ignoreChanges`, ...) and its
  provider; its diagnostics come back without a URN, so the request's is attached;
- `AnalyzeStack` gets every resource with parent and (property) dependencies; like the
  engine, which sends the resources' *outputs*, a StackReference carries the peer stack's
  outputs (the offline engine's mock gives them); other resources carry their inputs.

The process never exits by itself: the context manager always stops it.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
POLICIES_DIR = PROJECT_DIR / "policies"
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""The engine's sentinel for a string not known during preview (use it in test inputs)."""
_MAX_MESSAGE = 1024 * 1024 * 400
# The engine's own address would go here; a Python pack never calls back into it.
_NO_ENGINE = "127.0.0.1:0"


class PolicyPackError(Exception):
    """The pack did not start, or a call to it failed; the message carries its stderr."""


@dataclass(frozen=True)
class Diagnostic:
    """One violation reported by the pack."""

    policy: str
    message: str
    """The policy's own message (the SDK prefixes it with the description; removed here)."""
    enforcement: str
    """`advisory`, `mandatory`, `remediate` or `disabled`."""
    urn: str
    description: str = ""
    severity: str = ""
    pack: str = ""


@dataclass(frozen=True)
class NotApplicable:
    policy: str
    reason: str
    urn: str = ""


@dataclass
class Analysis:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    not_applicable: list[NotApplicable] = field(default_factory=list)

    def extend(self, other: "Analysis") -> None:
        self.diagnostics.extend(other.diagnostics)
        self.not_applicable.extend(other.not_applicable)

    def of(self, policy: str) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.policy == policy]

    @property
    def mandatory(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.enforcement == "mandatory"]


@dataclass
class ResourceInput:
    """What the engine sends about one resource."""

    type: str
    name: str
    urn: str
    properties: Any
    """A protobuf Struct (the offline engine's `Registration.struct`) or a plain dict."""
    protect: bool = False
    ignore_changes: tuple[str, ...] = ()
    delete_before_replace: bool | None = None
    aliases: tuple[str, ...] = ()
    parent: str = ""
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, Iterable[str]] = field(default_factory=dict)
    provider: "ResourceInput | None" = None
    stack_properties: Any = None
    """What AnalyzeStack gets instead of `properties` (the engine sends outputs); None: the same."""

    @classmethod
    def from_registration(cls, reg: Any, by_urn: Mapping[str, Any] | None = None) -> "ResourceInput":
        """From `drctl.engine.Registration` (its provider looked up in `by_urn`)."""
        provider = None
        if by_urn is not None and getattr(reg, "provider", ""):
            prov = by_urn.get(reg.provider.rsplit("::", 1)[0])
            if prov is not None:
                provider = cls(type=prov.type, name=prov.name, urn=prov.urn, properties=prov.struct or prov.inputs)
        stack_props = None
        if reg.type == "pulumi:pulumi:StackReference":
            stack_props = reg.outputs
        return cls(
            type=reg.type,
            name=reg.name,
            urn=reg.urn,
            properties=reg.struct if reg.struct is not None else reg.inputs,
            protect=bool(reg.protect),
            ignore_changes=tuple(reg.ignore_changes or ()),
            delete_before_replace=reg.delete_before_replace,
            aliases=tuple(reg.aliases or ()),
            parent=reg.parent or "",
            dependencies=tuple(reg.dependencies or ()),
            property_dependencies=dict(reg.property_dependencies or {}),
            provider=provider,
            stack_properties=stack_props,
        )


def _struct(value: Any):
    from google.protobuf import json_format, struct_pb2

    if isinstance(value, struct_pb2.Struct):
        return value
    s = struct_pb2.Struct()
    json_format.ParseDict(json.loads(json.dumps(value or {}, default=str)), s)
    return s


def _level_name(value: int) -> str:
    from pulumi.runtime.proto import analyzer_pb2

    return analyzer_pb2.EnforcementLevel.Name(value).lower()


def reconcile_config(info: Any, given: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The config the CLI sends to `Configure`: each policy's schema defaults and its
    enforcement level, then `all`, then the given (`--policy-pack-config`) entries."""
    from google.protobuf import json_format

    result: dict[str, dict[str, Any]] = {}
    for p in info.policies:
        props = {}
        schema = json_format.MessageToDict(p.configSchema.properties) if p.HasField("configSchema") else {}
        for key, prop_schema in schema.items():
            if isinstance(prop_schema, dict) and "default" in prop_schema:
                props[key] = prop_schema["default"]
        result[p.name] = {"enforcementLevel": _level_name(p.enforcementLevel), "properties": props}
    given = dict(given or {})
    everything = given.pop("all", None)
    if isinstance(everything, str):
        for entry in result.values():
            entry["enforcementLevel"] = everything
    elif isinstance(everything, Mapping) and "enforcementLevel" in everything:
        for entry in result.values():
            entry["enforcementLevel"] = everything["enforcementLevel"]
    for name, value in given.items():
        entry = result.setdefault(name, {"enforcementLevel": None, "properties": {}})
        if isinstance(value, str):
            entry["enforcementLevel"] = value
            continue
        value = dict(value)
        if "enforcementLevel" in value:
            entry["enforcementLevel"] = value.pop("enforcementLevel")
        entry["properties"] = {**entry["properties"], **value}
    return result


class PolicyPackProcess:
    """The pack as a child process, started the way the Pulumi CLI starts it."""

    def __init__(
        self,
        policies_dir: Path | str = POLICIES_DIR,
        *,
        config: Mapping[str, str],
        project: str = "dtem-dr",
        stack: str = "",
        dry_run: bool = True,
        organization: str = "organization",
        secret_keys: Iterable[str] = (),
        env: Mapping[str, str] | None = None,
        python: str | None = None,
        startup_timeout: float = 120.0,
    ):
        self.policies_dir = Path(policies_dir).resolve()
        self.env = dict(os.environ)
        self.env.update(
            {
                "PULUMI_CONFIG": json.dumps(dict(config)),
                "PULUMI_CONFIG_SECRET_KEYS": json.dumps(sorted(secret_keys)),
                "PULUMI_PROJECT": project,
                "PULUMI_STACK": stack,
                "PULUMI_DRY_RUN": "true" if dry_run else "false",
                "PULUMI_ORGANIZATION": organization,
            }
        )
        self.env.update(env or {})
        self.python = python or sys.executable
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        self.port: int | None = None
        self._channel = None
        self._stub = None
        self._stderr = None
        self._info = None

    # -- lifecycle ---------------------------------------------------------------------

    def __enter__(self) -> "PolicyPackProcess":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> "PolicyPackProcess":
        import grpc
        from pulumi.runtime.proto import analyzer_pb2_grpc

        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [self.python, "-u", "-m", "pulumi.policy", _NO_ENGINE, "."],
            cwd=self.policies_dir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        try:
            line = self._first_line()
            try:
                self.port = int(line.strip())
            except ValueError:
                raise PolicyPackError(f"the policy pack printed {line!r} instead of its port{self._stderr_tail()}") from None
            # Keep stdout drained so a chatty policy can never block on a full pipe.
            threading.Thread(target=self._drain, daemon=True).start()
            self._channel = grpc.insecure_channel(
                f"127.0.0.1:{self.port}",
                options=[("grpc.max_receive_message_length", _MAX_MESSAGE), ("grpc.max_send_message_length", _MAX_MESSAGE)],
            )
            grpc.channel_ready_future(self._channel).result(timeout=self.startup_timeout)
            self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        except BaseException:
            self.stop()
            raise
        return self

    def _first_line(self) -> str:
        assert self.process is not None and self.process.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(self.process.stdout, selectors.EVENT_READ)
        try:
            if not sel.select(timeout=self.startup_timeout):
                raise PolicyPackError(f"the policy pack printed no port within {self.startup_timeout:.0f}s{self._stderr_tail()}")
        finally:
            sel.close()
        line = self.process.stdout.readline().decode()
        if not line:
            self.process.wait(timeout=10)
            raise PolicyPackError(f"the policy pack exited with code {self.process.returncode}{self._stderr_tail()}")
        return line

    def _drain(self) -> None:
        stream = self.process.stdout if self.process else None
        if stream is None:
            return
        try:
            while stream.read(65536):
                pass
        except (OSError, ValueError):
            pass

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0)
            text = self._stderr.read().decode(errors="replace").strip()
        except (OSError, ValueError):
            return ""
        return f":\n{text[-4000:]}" if text else ""

    def stop(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if proc is not None and proc.stdout is not None:
            proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    # -- calls -------------------------------------------------------------------------

    def _call(self, method: str, request: Any) -> Any:
        import grpc

        if self._stub is None:
            raise PolicyPackError("the policy pack is not running (use it as a context manager)")
        try:
            return getattr(self._stub, method)(request)
        except grpc.RpcError as err:
            raise PolicyPackError(f"{method} failed: {err.details() if hasattr(err, 'details') else err}{self._stderr_tail()}") from None

    def info(self) -> Any:
        """`GetAnalyzerInfo`: the pack's name, policies, their levels and config schemas."""
        from google.protobuf import empty_pb2

        if self._info is None:
            self._info = self._call("GetAnalyzerInfo", empty_pb2.Empty())
        return self._info

    def configure(self, policy_config: Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        """`Configure` with the reconciled config (what the CLI does with
        `--policy-pack-config`); returns what was sent."""
        from pulumi.runtime.proto import analyzer_pb2

        reconciled = reconcile_config(self.info(), policy_config)
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, entry in reconciled.items():
            pc = request.policyConfig[name]
            if entry.get("enforcementLevel"):
                pc.enforcementLevel = analyzer_pb2.EnforcementLevel.Value(str(entry["enforcementLevel"]).upper())
            pc.properties.CopyFrom(_struct(entry.get("properties") or {}))
        self._call("Configure", request)
        return reconciled

    def _options(self, r: ResourceInput):
        from pulumi.runtime.proto import analyzer_pb2

        opts = analyzer_pb2.AnalyzerResourceOptions(
            protect=r.protect,
            ignoreChanges=list(r.ignore_changes),
            aliases=list(r.aliases),
            parent=r.parent,
        )
        if r.delete_before_replace is not None:
            opts.deleteBeforeReplace = bool(r.delete_before_replace)
            opts.deleteBeforeReplaceDefined = True
        return opts

    def _provider(self, r: ResourceInput):
        from pulumi.runtime.proto import analyzer_pb2

        if r.provider is None:
            return None
        p = r.provider
        return analyzer_pb2.AnalyzerProviderResource(type=p.type, name=p.name, urn=p.urn, properties=_struct(p.properties))

    def _analysis(self, response: Any, urn: str = "") -> Analysis:
        out = Analysis()
        for d in response.diagnostics:
            message = d.message
            if d.description and message.startswith(d.description + "\n"):
                message = message[len(d.description) + 1 :]
            out.diagnostics.append(
                Diagnostic(
                    policy=d.policyName,
                    message=message,
                    enforcement=_level_name(d.enforcementLevel),
                    urn=d.urn or urn,
                    description=d.description,
                    severity=str(d.severity),
                    pack=d.policyPackName,
                )
            )
        for na in response.not_applicable:
            out.not_applicable.append(NotApplicable(policy=na.policy_name, reason=na.reason, urn=urn))
        return out

    def analyze(self, resource: ResourceInput) -> Analysis:
        """`Analyze`: the resource policies on one resource."""
        from pulumi.runtime.proto import analyzer_pb2

        request = analyzer_pb2.AnalyzeRequest(
            type=resource.type,
            name=resource.name,
            urn=resource.urn,
            properties=_struct(resource.properties),
            options=self._options(resource),
        )
        provider = self._provider(resource)
        if provider is not None:
            request.provider.CopyFrom(provider)
        return self._analysis(self._call("Analyze", request), resource.urn)

    def analyze_stack(self, resources: Iterable[ResourceInput]) -> Analysis:
        """`AnalyzeStack`: the stack policies on all resources."""
        from pulumi.runtime.proto import analyzer_pb2

        request = analyzer_pb2.AnalyzeStackRequest()
        for r in resources:
            props = r.stack_properties if r.stack_properties is not None else r.properties
            item = analyzer_pb2.AnalyzerResource(
                type=r.type,
                name=r.name,
                urn=r.urn,
                properties=_struct(props),
                options=self._options(r),
                parent=r.parent,
                dependencies=list(r.dependencies),
            )
            provider = self._provider(r)
            if provider is not None:
                item.provider.CopyFrom(provider)
            for key, urns in r.property_dependencies.items():
                item.propertyDependencies[key].urns.extend(list(urns))
            request.resources.append(item)
        return self._analysis(self._call("AnalyzeStack", request))

    def analyze_resources(self, resources: Iterable[ResourceInput]) -> Analysis:
        """What a preview does: `Analyze` for every resource, then `AnalyzeStack`."""
        resources = list(resources)
        out = Analysis()
        for r in resources:
            out.extend(self.analyze(r))
        out.extend(self.analyze_stack(resources))
        return out

    def analyze_capture(self, capture: Any) -> Analysis:
        """Every resource of an offline-engine capture (`drctl.engine.Capture`)."""
        return self.analyze_resources(inputs_of(capture))


def inputs_of(capture: Any) -> list[ResourceInput]:
    """The engine's view of a capture's resources, in registration order."""
    by_urn = capture.by_urn()
    return [ResourceInput.from_registration(r, by_urn) for r in capture.resources]


def load_policy_config(path: Path | str | None = None) -> dict[str, Any]:
    """`policies/config.json` (or the given `--policy-pack-config` file)."""
    p = Path(path) if path is not None else POLICIES_DIR / "config.json"
    return json.loads(p.read_text())
