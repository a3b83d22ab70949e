"""AWS Backup plans copy every recovery point to another region."""

from collections.abc import Mapping

from ...resources import BACKUP_PLAN, arn_region
from ..base import NotApplicable, Rule, computed, is_unknown, need


def check(res, ctx, cfg):
    if not ctx.peer_wired:
        raise NotApplicable("first deployment (peerWired: false): the dr vault does not exist yet")
    own = res.region or ctx.region
    for rule in need(res, "rules") or []:
        if not isinstance(rule, Mapping):
            continue
        name = rule.get("ruleName") or "(unnamed)"
        copies = rule.get("copyActions") or []
        if is_unknown(copies):
            raise computed("rules.copyActions")
        regions = []
        for c in copies:
            arn = c.get("destinationVaultArn") if isinstance(c, Mapping) else None
            if is_unknown(arn):
                raise computed("rules.copyActions.destinationVaultArn")
            regions.append((arn, arn_region(arn)))
        if any(r not in (None, own) for _, r in regions):
            continue
        if not regions:
            got = "no copy action"
        else:
            got = ", ".join(f"a copy to `{a}` in {r or 'an unknown region'}" for a, r in regions) + f" (its own region is {own})"
        yield f"AWS Backup plan `{res.label}` rule `{name}` must copy recovery points to another region; got {got}"


POLICY = Rule(
    name="backup-cross-region-copy",
    area="backup",
    description="Every rule of every AWS Backup plan copies its recovery points to a vault in another region.",
    why="Point-in-time copies outside the region survive what live replication cannot: a region lost together with a "
    "corruption already replicated. A copy into the same region passes 'a copy exists' and protects nothing.",
    remediation="Add a `copy_actions` entry to the peer region's vault (the peer stack's `backupVaultArn`); "
    "components/backup.py does once the stacks are wired.",
    severity="high",
    tags=("backup", "L4"),
    types=(BACKUP_PLAN,),
    check=check,
)
