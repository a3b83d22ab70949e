"""Aurora instances never publicly accessible."""

from ...resources import RDS_INSTANCE
from ..base import Rule, need


def check(res, ctx, cfg):
    if need(res, "publiclyAccessible") is True:
        yield f"RDS instance `{res.label}` must not be publicly accessible; got publiclyAccessible true"


POLICY = Rule(
    name="aurora-not-publicly-accessible",
    area="database",
    description="Aurora DB instances are not publicly accessible.",
    why="A database reachable from the internet is one credential leak away from being deleted or encrypted for ransom: "
    "the disaster the DR topology cannot undo (design §4.4).",
    remediation="Set `publicly_accessible=False` (the default) and reach the database from the VPC only.",
    severity="critical",
    tags=("database", "network"),
    types=(RDS_INSTANCE,),
    check=check,
)
