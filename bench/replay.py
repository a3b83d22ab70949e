"""The baseline of figure 1: the very same registrations, from a flat script.

`replay_program(capture)` returns a program that walks a `Capture` in dependency order
(parents, providers and dependencies first) and registers each resource again with raw `pulumi.CustomResource` / `ComponentResource` /
`ProviderResource`: the same type, name, wire inputs (the captured input Struct, secrets
and resource references included), parent, provider, dependencies and options. It runs
through `drctl.engine.run_program` -- the same mocks and capturing monitor as the real
program -- so the difference between the two is what the project's code (config model,
components, typed SDK classes, output plumbing) costs on top of raw Pulumi.

`same_registrations` proves the baseline registers what the program registers; the bench
refuses to report a ratio otherwise.
"""

from __future__ import annotations

from typing import Any, Callable

from drctl.engine import Capture, Registration, run_program


def replay_program(capture: Capture) -> Callable[[], None]:
    import pulumi
    from google.protobuf import json_format

    # Decode the wire inputs once, outside the timed program: the real program holds its
    # inputs as Python values too.
    plan = [(reg, json_format.MessageToDict(reg.struct) if reg.struct is not None else {}) for reg in registration_order(capture)]

    def program() -> None:
        made: dict[str, pulumi.Resource] = {}
        for reg, props in plan:
            opts = pulumi.ResourceOptions(
                parent=made.get(reg.parent),  # None: the stack, as in the original
                depends_on=[made[u] for u in reg.dependencies if u in made] or None,
                protect=reg.protect,
                retain_on_delete=reg.retain_on_delete,
                ignore_changes=reg.ignore_changes or None,
                delete_before_replace=reg.delete_before_replace,
                replace_on_changes=reg.replace_on_changes or None,
                additional_secret_outputs=reg.additional_secret_outputs or None,
                aliases=list(reg.aliases) or None,
            )
            if reg.custom and reg.provider:
                opts.provider = made[reg.provider_urn]
            if reg.is_provider:
                res: pulumi.Resource = pulumi.ProviderResource(reg.type.split(":", 2)[2], reg.name, props, opts)
            elif reg.custom:
                res = pulumi.CustomResource(reg.type, reg.name, props, opts)
            else:
                res = pulumi.ComponentResource(reg.type, reg.name, props, opts)
            made[reg.urn] = res

    return program


def registration_order(capture: Capture) -> list[Registration]:
    """The capture's resources, each after its parent, its provider and its dependencies
    (the engine hands captures over sorted by URN, not in registration order)."""
    by_urn = {r.urn: r for r in capture.resources}
    done: set[str] = set()
    order: list[Registration] = []

    def visit(reg: Registration) -> None:
        stack = [(reg, False)]
        while stack:
            node, expanded = stack.pop()
            if node.urn in done:
                continue
            if expanded:
                done.add(node.urn)
                order.append(node)
                continue
            stack.append((node, True))
            for urn in (node.parent, node.provider_urn, *node.dependencies):
                if urn and urn in by_urn and urn not in done:
                    stack.append((by_urn[urn], False))

    for reg in capture.resources:
        visit(reg)
    return order


def replay(capture: Capture, *, secret_keys: Any = (), peer_outputs: dict[str, Any] | None = None) -> Capture:
    """Run the flat replay of `capture` under the offline engine."""
    return run_program(
        replay_program(capture),
        project=capture.project,
        stack=capture.stack,
        config=capture.config,
        secret_keys=secret_keys,
        peer_outputs=peer_outputs,
        preview=capture.preview,
    )


def _key(reg: Registration) -> dict[str, Any]:
    from google.protobuf import json_format

    return {
        "urn": reg.urn,
        "type": reg.type,
        "name": reg.name,
        "parent": reg.parent,
        "custom": reg.custom,
        "provider": reg.provider,
        "inputs": json_format.MessageToDict(reg.struct) if reg.struct is not None else None,
        "dependencies": sorted(reg.dependencies),
        "protect": bool(reg.protect),
        "retainOnDelete": bool(reg.retain_on_delete),
        "ignoreChanges": reg.ignore_changes,
        "deleteBeforeReplace": bool(reg.delete_before_replace),
        "replaceOnChanges": reg.replace_on_changes,
        "additionalSecretOutputs": reg.additional_secret_outputs,
        "aliases": sorted(reg.aliases),
    }


def same_registrations(original: Capture, replayed: Capture) -> list[str]:
    """Differences between two captures (empty: the replay registers the same resources)."""
    a = {r.urn: _key(r) for r in original.resources}
    b = {r.urn: _key(r) for r in replayed.resources}
    problems = [f"missing from the replay: {u}" for u in sorted(set(a) - set(b))]
    problems += [f"only in the replay: {u}" for u in sorted(set(b) - set(a))]
    for urn in sorted(set(a) & set(b)):
        for k in a[urn]:
            if a[urn][k] != b[urn][k]:
                problems.append(f"{urn}: {k} differs: {a[urn][k]!r:.200} != {b[urn][k]!r:.200}")
    return problems
