"""The Aurora clusters belong to the global database -- or are promoted, on failover."""

from ...estimate import global_membership
from ...resources import RDS_CLUSTER
from ..base import Finding, NotApplicable, Rule, computed, each, is_unknown


def check(ix, ctx, cfg):
    if ctx.site not in ("primary", "dr"):
        raise NotApplicable(f"the stack's region {ctx.region} is neither site of the topology")
    detach_expected = ctx.site == "dr" and ctx.active and ctx.failover == "detach" and ctx.global_cluster_owner == "primary"

    def judge(cluster):
        member = global_membership(ix, cluster)
        if is_unknown(member):
            raise computed("globalClusterIdentifier")
        where = f"{ctx.site} site, {ctx.role}"
        if detach_expected:
            if member:
                yield Finding(
                    f"RDS cluster `{cluster.label}` ({where}, failover: detach) must be detached and promoted; "
                    f"got a member of `{member}` — the flip would leave it a read-only secondary",
                    cluster.urn,
                )
        elif not member:
            why = (
                "nothing would replicate to the other region"
                if ctx.active
                else "it would hold no replicated data when it is needed"
            )
            yield Finding(
                f"RDS cluster `{cluster.label}` ({where}) must be a member of the Aurora global cluster; "
                f"got globalClusterIdentifier unset and no global cluster created from it — {why}",
                cluster.urn,
            )

    yield from each(ix.of_type(RDS_CLUSTER), judge, none="no Aurora cluster in this stack")


POLICY = Rule(
    name="aurora-global-membership",
    area="database",
    description="Every Aurora cluster is a member of the Aurora global cluster (by globalClusterIdentifier, or as the "
    "source of a global cluster the stack creates), except the dr cluster once a detach failover promoted it.",
    why="Membership is the database's region-loss path (L3, lag typically < 1 s); a standby cluster outside the global "
    "cluster is an empty database waiting for a disaster, and an active one still inside it was never promoted.",
    remediation="Owner site: the GlobalCluster and `global_cluster_identifier` on its cluster; other site: the peer "
    "stack's `globalClusterId` output. After the flip with failover: detach the dr cluster drops the identifier.",
    severity="critical",
    tags=("database", "replication", "L3"),
    stack=True,
    check=check,
)
