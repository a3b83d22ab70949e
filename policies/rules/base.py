"""What every rule shares: its metadata, how it reads a resource, how it reports.

A rule is a small check function plus metadata (name, description, severity, remediation,
tags, url, enforcement level, config schema with defaults). `to_policy()` wraps it in the
SDK's `ResourceValidationPolicy` / `StackValidationPolicy`; the wrapper converts the
analyzer's arguments into `resources.Res`, applies the policy config's defaults, honours
exemptions (data with a reason, `exemptions.py`) and turns `NotApplicable` into the SDK's
`not_applicable` -- so a check function never touches the SDK and reads plain values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import context as _context
from .. import exemptions as _exemptions
from ..resources import Index, Res, UNKNOWN, is_unknown, plain

DOCS = "policies/POLICIES.md"
MANDATORY, ADVISORY = "mandatory", "advisory"


class NotApplicable(Exception):
    """The rule does not apply to this resource or stack; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def computed(prop: str) -> NotApplicable:
    """Skip explicitly: the deciding value is only known after the update."""
    return NotApplicable(f"`{prop}` is computed during preview; checked again when it is known")


def need(res: Res, *path: Any, default: Any = None) -> Any:
    """`res.get(...)`, raising `computed(...)` for an unknown value."""
    value = res.get(*path, default=default)
    if is_unknown(value):
        raise computed(".".join(str(p) for p in path))
    return value


@dataclass(frozen=True)
class Finding:
    """A stack rule's violation: the message, the resource it is about (URN) and the
    names an exemption may use for it."""

    message: str
    urn: str | None = None
    keys: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    name: str
    area: str
    description: str
    why: str
    """The recovery reason, for POLICIES.md."""
    remediation: str
    severity: str = "high"
    enforcement: str = MANDATORY
    tags: tuple[str, ...] = ()
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Config schema properties (JSON schema), each with its `default`."""
    types: tuple[str, ...] = ()
    """Resource rules: the types checked (others are not looked at)."""
    check: Callable[..., Iterable[Any]] | None = None
    stack: bool = False

    @property
    def url(self) -> str:
        return f"{DOCS}#{self.name}"

    def settings(self, given: Mapping[str, Any] | None) -> dict[str, Any]:
        """The config defaults overlaid with what the engine passed (`Configure`)."""
        out = {k: v.get("default") for k, v in self.config.items()}
        for k, v in (given or {}).items():
            out[k] = plain(v)
        return out

    # -- running the check, without the SDK (the pack's wrappers and drctl use it) -----

    def run_resource(self, res: Res, ctx: _context.StackContext, settings: Mapping[str, Any]) -> list[str]:
        if res.type not in self.types:
            return []
        assert self.check is not None
        messages = list(self.check(res, ctx, settings))
        return [m for m in messages if not _exemptions.exempt(self.name, res.keys())]

    def run_stack(self, ix: Index, ctx: _context.StackContext, settings: Mapping[str, Any]) -> list[Finding]:
        assert self.check is not None
        findings = []
        for f in self.check(ix, ctx, settings):
            if isinstance(f, str):
                f = Finding(f)
            keys = set(f.keys)
            if f.urn:
                keys.add(f.urn)
                res = ix.by_urn.get(f.urn)
                if res is not None:
                    keys |= res.keys()
            if not _exemptions.exempt(self.name, keys):
                findings.append(f)
        return findings

    # -- the SDK policy ------------------------------------------------------------------

    def to_policy(self):
        from pulumi_policy import (
            EnforcementLevel,
            PolicyConfigSchema,
            ResourceValidationPolicy,
            Severity,
            StackValidationPolicy,
        )

        common = dict(
            name=self.name,
            description=self.description,
            enforcement_level=EnforcementLevel(self.enforcement),
            config_schema=PolicyConfigSchema(properties={k: dict(v) for k, v in self.config.items()}) if self.config else None,
            severity=Severity(self.severity),
            tags=list(self.tags) or None,
            remediation_steps=self.remediation,
            url=self.url,
        )
        if self.stack:

            def validate_stack(args, report_violation):
                ctx = _context.current()
                ix = Index(res_from_policy_resource(r) for r in args.resources)
                try:
                    for f in self.run_stack(ix, ctx, self.settings(args.get_config())):
                        report_violation(f.message, f.urn)
                except NotApplicable as exc:
                    args.not_applicable(exc.reason)

            return StackValidationPolicy(validate=validate_stack, **common)

        def validate_resource(args, report_violation):
            if args.resource_type not in self.types:
                return
            res = res_from_args(args)
            try:
                for message in self.run_resource(res, _context.current(), self.settings(args.get_config())):
                    report_violation(message, None)
            except NotApplicable as exc:
                args.not_applicable(exc.reason)

        return ResourceValidationPolicy(validate=validate_resource, **common)


def _region_of(provider) -> str | None:
    if provider is None:
        return None
    try:
        region = plain(provider.props).get("region")
    except Exception:  # noqa: BLE001 - a provider without readable props: no region
        return None
    return region if isinstance(region, str) else None


def res_from_args(args) -> Res:
    """`ResourceValidationArgs` -> Res."""
    return Res(
        type=args.resource_type,
        name=args.name,
        urn=args.urn,
        props=plain(args.props),
        protect=bool(args.opts.protect),
        ignore_changes=tuple(args.opts.ignore_changes or ()),
        parent=args.opts.parent,
        region=_region_of(args.provider),
    )


def res_from_policy_resource(r) -> Res:
    """`PolicyResource` (AnalyzeStack) -> Res."""
    return Res(
        type=r.resource_type,
        name=r.name,
        urn=r.urn,
        props=plain(r.props),
        protect=bool(r.opts.protect),
        ignore_changes=tuple(r.opts.ignore_changes or ()),
        property_dependencies={k: [d.urn for d in v] for k, v in (r.property_dependencies or {}).items()},
        dependencies=[d.urn for d in r.dependencies or []],
        parent=r.parent.urn if r.parent is not None else None,
        region=_region_of(r.provider),
    )


def each(items: list[Res], judge: Callable[[Res], Iterable[Any]], *, none: str) -> Iterable[Any]:
    """Stack rules: `judge` every resource; one whose deciding value is computed (judge
    raises NotApplicable) is skipped, and when all were skipped -- or there are none --
    the whole policy is not applicable (`none` says why when there are none)."""
    if not items:
        raise NotApplicable(none)
    skipped: list[str] = []
    for item in items:
        try:
            yield from list(judge(item))
        except NotApplicable as exc:
            skipped.append(f"{item.label}: {exc.reason}")
    if len(skipped) == len(items):
        raise NotApplicable("; ".join(skipped))


def region(res: Res, ctx: _context.StackContext) -> str | None:
    """Where the resource is managed: its provider's region, else the stack's."""
    return res.region or ctx.region


__all__ = [
    "ADVISORY",
    "MANDATORY",
    "Finding",
    "Index",
    "NotApplicable",
    "Res",
    "Rule",
    "UNKNOWN",
    "computed",
    "each",
    "is_unknown",
    "need",
    "region",
]
