"""A cluster that can be a secondary ignores `replicationSourceIdentifier`."""

from ...resources import RDS_CLUSTER
from ..base import NotApplicable, Rule


def check(res, ctx, cfg):
    if ctx.site == "primary" and ctx.global_cluster_owner == "primary" and ctx.failover == "detach":
        raise NotApplicable("the primary writer of a detach topology is never a secondary")
    if "replicationSourceIdentifier" not in res.ignore_changes:
        got = ", ".join(res.ignore_changes) or "nothing"
        yield (
            f"RDS cluster `{res.label}` ({ctx.site} site) can be a secondary and must ignore changes to "
            f"replicationSourceIdentifier; got ignoreChanges [{got}] — a later `up` would promote it by accident "
            "(terraform-provider-aws PR #40921)"
        )


POLICY = Rule(
    name="aurora-secondary-ignores-replication-source",
    area="database",
    description="Every Aurora cluster that is or may become a secondary (the dr site's; the primary's under "
    "failover: managed or after a failback) is declared with ignore_changes=['replicationSourceIdentifier'].",
    why="AWS reports a secondary's replication source; without the ignore, the next `up` plans to clear it and "
    "promotes the secondary by accident (design §4.5).",
    remediation="Declare the cluster with `opts=ResourceOptions(ignore_changes=['replicationSourceIdentifier'])` "
    "(components/database.py does).",
    severity="high",
    tags=("database", "idempotence"),
    types=(RDS_CLUSTER,),
    check=check,
)
