"""Fixtures of the policy-pack tests: the pack running as the Pulumi CLI runs it, and
helpers to send it resources -- built by hand, or taken from the offline engine's
captures and changed.

A pack process is bound to one stack config (`PULUMI_CONFIG`), like the CLI's; `packs`
starts one per distinct config and keeps it for the session, so the suite pays for a
handful of processes (well under a second each), not one per test.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format

from drctl.analyzer import (
    Analysis,
    PolicyPackProcess,
    ResourceInput,
    UNKNOWN_STRING,
    inputs_of,
    load_policy_config,
)

UNKNOWN = UNKNOWN_STRING
"""A value the engine does not know during preview (the engine's own sentinel)."""
POLICY_CONFIG = load_policy_config()
TOPOLOGY_KEY = "dtem-dr:topology"


class Pack:
    """A running pack (one stack config) and the calls the tests make to it."""

    def __init__(self, process: PolicyPackProcess, stack: str, config: Mapping[str, str]):
        self.process = process
        self.stack = stack
        self.config = dict(config)
        self.region = self.config.get("aws:region", "")
        self._analyzed: dict[str, Analysis] = {}
        self._config_key = json.dumps(POLICY_CONFIG, sort_keys=True)

    def urn(self, type_: str, name: str) -> str:
        return f"urn:pulumi:{self.stack}::dtem-dr::{type_}::{name}"

    def provider(self, region: str | None = None) -> ResourceInput:
        region = region or self.region
        return ResourceInput(
            type="pulumi:providers:aws",
            name=f"aws-{region}",
            urn=self.urn("pulumi:providers:aws", f"aws-{region}"),
            properties={"region": region},
        )

    def item(
        self,
        type_: str,
        props: Mapping[str, Any],
        *,
        name: str = "res",
        protect: bool = False,
        ignore_changes: Iterable[str] = (),
        region: str | None = None,
        property_dependencies: Mapping[str, list[str]] | None = None,
    ) -> ResourceInput:
        provider = None if type_.startswith(("kubernetes:", "pulumi:")) else self.provider(region)
        return ResourceInput(
            type=type_,
            name=name,
            urn=self.urn(type_, name),
            properties=dict(props),
            protect=protect,
            ignore_changes=tuple(ignore_changes),
            property_dependencies=dict(property_dependencies or {}),
            provider=provider,
        )

    def resource(self, type_: str, props: Mapping[str, Any], **kw: Any) -> Analysis:
        """`Analyze` one resource (the resource policies)."""
        return self.process.analyze(self.item(type_, props, **kw))

    def stack_of(self, items: Iterable[ResourceInput]) -> Analysis:
        """`AnalyzeStack` over the given resources (the stack policies)."""
        return self.process.analyze_stack(list(items))

    def preview(self, items: Iterable[ResourceInput]) -> Analysis:
        """What a preview does: `Analyze` each resource, then `AnalyzeStack`.

        `Analyze` is a pure function of its request and of the pack's config, so the answer
        for a resource already sent unchanged is reused (the mutation table changes one or
        two resources of ~100); `AnalyzeStack` always runs."""
        items = list(items)
        out = Analysis()
        for item in items:
            key = _request_key(item, self._config_key)
            if key not in self._analyzed:
                self._analyzed[key] = self.process.analyze(item)
            out.extend(self._analyzed[key])
        out.extend(self.process.analyze_stack(items))
        return out

    @contextmanager
    def configured(self, changes: Mapping[str, Mapping[str, Any]]):
        """Run with policies/config.json plus `changes`, then restore it."""
        merged = copy.deepcopy(POLICY_CONFIG)
        for name, entry in changes.items():
            merged[name] = {**merged.get(name, {}), **entry}
        self.process.configure(merged)
        self._config_key = json.dumps(merged, sort_keys=True)
        try:
            yield self
        finally:
            self.process.configure(POLICY_CONFIG)
            self._config_key = json.dumps(POLICY_CONFIG, sort_keys=True)


def _plain(value: Any) -> Any:
    return value if isinstance(value, (dict, list, type(None))) else json_format.MessageToDict(value)


def _request_key(item: ResourceInput, config_key: str) -> str:
    provider = item.provider
    return json.dumps(
        [
            config_key,
            item.type,
            item.name,
            item.urn,
            _plain(item.properties),
            item.protect,
            list(item.ignore_changes),
            item.parent,
            None if provider is None else [provider.type, provider.urn, _plain(provider.properties)],
        ],
        sort_keys=True,
        default=str,
    )


class Packs:
    def __init__(self, policies_dir: Path):
        self.policies_dir = policies_dir
        self._running: dict[tuple, Pack] = {}

    def get(self, stack: str, config: Mapping[str, str], *, exemptions: Path | None = None) -> Pack:
        key = (stack, json.dumps(dict(config), sort_keys=True), str(exemptions or ""))
        if key not in self._running:
            env = {"DTEM_POLICY_EXEMPTIONS": str(exemptions)} if exemptions else {}
            process = PolicyPackProcess(self.policies_dir, config=config, stack=stack, env=env).start()
            process.configure(POLICY_CONFIG)
            self._running[key] = Pack(process, stack, config)
        return self._running[key]

    def close(self) -> None:
        for pack in self._running.values():
            pack.process.stop()
        self._running.clear()


@pytest.fixture(scope="session")
def packs(project_dir):
    running = Packs(project_dir / "policies")
    yield running
    running.close()


@pytest.fixture(scope="session")
def pack_primary(packs, topology) -> Pack:
    return packs.get("primary", topology.primary.config)


@pytest.fixture(scope="session")
def pack_dr(packs, topology) -> Pack:
    return packs.get("dr", topology.dr.config)


# ---------------------------------------------------------------------------------------
# Configs and captures
# ---------------------------------------------------------------------------------------


def with_config(config: Mapping[str, str], *, topology: Callable[[dict], None] | None = None, **keys: str) -> dict[str, str]:
    """A stack config with `dtem-dr:<key>` values replaced and the topology edited in place
    by `topology(dict)`."""
    out = dict(config)
    for key, value in keys.items():
        out[f"dtem-dr:{key}"] = value
    if topology is not None:
        topo = json.loads(out[TOPOLOGY_KEY])
        topology(topo)
        out[TOPOLOGY_KEY] = json.dumps(topo)
    return out


def editable(capture) -> list[ResourceInput]:
    """The capture as the engine sends it, with plain-dict properties safe to change."""
    items = []
    for item in inputs_of(capture):
        item = copy.copy(item)
        if not isinstance(item.properties, dict):
            item.properties = json_format.MessageToDict(item.properties)
        item.properties = copy.deepcopy(item.properties)
        item.stack_properties = copy.deepcopy(item.stack_properties)
        item.property_dependencies = {k: list(v) for k, v in item.property_dependencies.items()}
        items.append(item)
    return items


def find(items: list[ResourceInput], type_: str, name: str | None = None) -> ResourceInput:
    found = [i for i in items if i.type == type_ and (name is None or i.name == name)]
    assert found, f"no {type_} {name or ''} in the capture"
    return found[0]


def messages(analysis: Analysis, policy: str) -> list[str]:
    return [d.message for d in analysis.diagnostics if d.policy == policy]


def not_applicable(analysis: Analysis, policy: str) -> list[str]:
    return [n.reason for n in analysis.not_applicable if n.policy == policy]


def failing(analysis: Analysis) -> set[tuple[str, str]]:
    """(policy, urn) of every diagnostic."""
    return {(d.policy, d.urn) for d in analysis.diagnostics}
