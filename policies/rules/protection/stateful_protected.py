"""Every stateful resource is created with protect=True."""

from ...resources import STATEFUL
from ..base import Rule


def check(res, ctx, cfg):
    if not res.protect:
        yield f"{STATEFUL[res.type]} `{res.label}` holds state and must be declared with protect=True; got protect false"


POLICY = Rule(
    name="stateful-resource-protected",
    area="protection",
    description="Every stateful resource (database cluster and instances, global cluster, bucket, cache, broker, secret, "
    "KMS key, backup vault) "
    "is declared with protect=True.",
    why="A refactor that renames one, a flip that changes a replacement-forcing input, or a stray `destroy` must stop "
    "at the engine instead of deleting data (design §4.3, §4.4).",
    remediation="Create it with `opts=stateful(self)` (components/common.py), i.e. `ResourceOptions(protect=True)`.",
    severity="critical",
    tags=("protection",),
    types=tuple(STATEFUL),
    check=check,
)
