"""Every secret has a replica in the other region."""

from collections.abc import Mapping

from ...resources import SECRET
from ..base import NotApplicable, Rule, computed, is_unknown, need


def check(res, ctx, cfg):
    if not ctx.peer_wired:
        raise NotApplicable("first deployment (peerWired: false): the dr key the replica needs does not exist yet")
    replicas = need(res, "replicas") or []
    regions = []
    for replica in replicas:
        region = replica.get("region") if isinstance(replica, Mapping) else None
        if is_unknown(region):
            raise computed("replicas.region")
        regions.append(region)
    own = res.region or ctx.region
    if any(isinstance(r, str) and r != own for r in regions):
        return
    want = ctx.peer_region or "the other region"
    got = "no replica" if not regions else f"replicas in {', '.join(str(r) for r in regions)} only (its own region)"
    yield f"secret `{res.label}` must have a replica in {want}; got {got}"


POLICY = Rule(
    name="secrets-cross-region-replica",
    area="secrets",
    description="Every Secrets Manager secret has a replica in another region.",
    why="When the primary region is lost the dr workloads read their credentials from the replica in their own region "
    "(readable without promotion); without it they cannot start (L3).",
    remediation="Declare `replicas=[SecretReplicaArgs(region=<dr region>, kms_key_id=<multi-Region key>)]` "
    "(components/secrets.py does once the stacks are wired).",
    severity="critical",
    tags=("secrets", "replication", "L3"),
    types=(SECRET,),
    check=check,
)
