"""Stack config the way the Pulumi CLI builds it: `Pulumi.yaml`'s project-level `config:`
merged with `Pulumi.<stack>.yaml`, the stack's value winning.

Project-level entries are either a plain value (string, number, boolean, list) or a
declaration block with `value:` / `default:` (and `type`, `description`, `secret`,
`items`); keys without a namespace belong to the project. An object can only be given in
the `value:` form: the CLI reads any other mapping as a declaration and refuses unknown
fields (pulumi/pulumi#16056). A stack's value replaces the project's whole value, objects
included -- no deep merge (pulumi/pulumi#17948). Values reach the program as strings,
objects as JSON (what `Config.require_object` parses). `secure:` values cannot be decrypted
offline: they become a clearly marked placeholder, and so do the project's required
secrets when the stack file does not set them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from components.config import OFFLINE_SECRET, SECRET_KEYS

# libyaml's loader when PyYAML was built with it (the wheels are): 8x faster than the pure
# Python one, which cost 5 ms per stack run -- three per `drctl plan` (make bench, figure 1).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StackConfigError(Exception):
    pass


@dataclass
class RawConfig:
    project: str
    stack: str
    values: dict[str, str]
    secret_keys: set[str] = field(default_factory=set)
    placeholders: list[str] = field(default_factory=list)


def _to_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value)


def _qualify(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(), Loader=_Loader) or {}
    except FileNotFoundError:
        raise StackConfigError(f"{path.name}: not found in {path.parent}") from None
    except yaml.YAMLError as exc:
        raise StackConfigError(f"{path.name}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise StackConfigError(f"{path.name}: expected a mapping at the top level")
    return data


_DECLARATION_FIELDS = {"type", "description", "secret", "default", "value", "items"}


def load_raw_config(project_dir: Path | str, stack: str) -> RawConfig:
    project_dir = Path(project_dir)
    project_doc = _read_yaml(project_dir / "Pulumi.yaml")
    project = project_doc.get("name")
    if not project:
        raise StackConfigError("Pulumi.yaml: `name` is missing")
    stack_path = project_dir / f"Pulumi.{stack}.yaml"
    if not stack_path.exists():
        known = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))
        raise StackConfigError(f"stack {stack!r}: no Pulumi.{stack}.yaml (stacks here: {', '.join(known) or 'none'})")
    stack_doc = _read_yaml(stack_path)

    values: dict[str, str] = {}
    secret_keys: set[str] = set()
    placeholders: list[str] = []
    required: list[str] = []
    for key, entry in (project_doc.get("config") or {}).items():
        qkey = _qualify(key, project)
        if isinstance(entry, dict):
            unknown = sorted(set(entry) - _DECLARATION_FIELDS)
            if unknown:
                raise StackConfigError(
                    f"Pulumi.yaml: config.{key}: expected a plain value or a declaration ({', '.join(sorted(_DECLARATION_FIELDS))}); "
                    f"got a mapping with {', '.join(unknown)}; give an object in the value: form "
                    f"({key}:\n  value:\n    ...), the only one the Pulumi CLI accepts (pulumi/pulumi#16056)"
                )
            if "value" in entry:
                values[qkey] = _to_string(entry["value"])
            elif "default" in entry:
                values[qkey] = _to_string(entry["default"])
            else:
                required.append(qkey)
            if entry.get("secret"):
                secret_keys.add(qkey)
        else:
            values[qkey] = _to_string(entry)
    for key, value in (stack_doc.get("config") or {}).items():
        qkey = _qualify(key, project)
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[qkey] = f"{OFFLINE_SECRET}:{qkey}"
            secret_keys.add(qkey)
            placeholders.append(qkey)
        else:
            values[qkey] = _to_string(value)
    missing = [k for k in required if k not in values and k not in SECRET_KEYS]
    if missing:
        raise StackConfigError(
            f"stack {stack!r}: Pulumi.yaml declares {', '.join(missing)} without a default; "
            f"set {'them' if len(missing) > 1 else 'it'} in Pulumi.{stack}.yaml (pulumi config set <key> <value> --stack {stack})"
        )
    for qkey in SECRET_KEYS:
        if qkey not in values:
            values[qkey] = f"{OFFLINE_SECRET}:{qkey}"
            secret_keys.add(qkey)
            placeholders.append(qkey)
    return RawConfig(project=project, stack=stack, values=values, secret_keys=secret_keys, placeholders=sorted(placeholders))
