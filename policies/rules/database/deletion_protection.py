"""Aurora clusters and the global cluster refuse deletion."""

from ...resources import RDS_CLUSTER, RDS_GLOBAL
from ..base import Rule, need

_KIND = {RDS_CLUSTER: "RDS cluster", RDS_GLOBAL: "Aurora global cluster"}


def check(res, ctx, cfg):
    value = need(res, "deletionProtection")
    if value is not True:
        got = "unset (AWS default false)" if value is None else str(value).lower()
        yield f"{_KIND[res.type]} `{res.label}` must have deletion protection on; got {got}"


POLICY = Rule(
    name="aurora-deletion-protection",
    area="database",
    description="Aurora clusters and the Aurora global cluster have deletion protection on.",
    why="The database is the state DTEM cannot rebuild; a deletion (a destroy, a replacement, a script) must fail loudly (design §4.4).",
    remediation="Set `deletion_protection=True` on the cluster and the global cluster (components/database.py does); "
    "turn it off only in a reviewed change that decommissions the database.",
    severity="critical",
    tags=("database", "protection"),
    types=(RDS_CLUSTER, RDS_GLOBAL),
    check=check,
)
