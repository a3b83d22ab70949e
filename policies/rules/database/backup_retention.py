"""Aurora automated backups kept at least the organisation's floor."""

from ...resources import RDS_CLUSTER
from ..base import Rule, need


def check(res, ctx, cfg):
    floor = int(cfg["minimumRetentionDays"])
    days = need(res, "backupRetentionPeriod")
    if days is None:
        yield f"RDS cluster `{res.label}` must keep backups ≥ {floor} days; got unset (AWS default 1)"
    elif days < floor:
        yield f"RDS cluster `{res.label}` must keep backups ≥ {floor} days; got {days}"


POLICY = Rule(
    name="aurora-backup-retention",
    area="database",
    description="Aurora clusters keep automated backups at least as many days as the organisation's floor.",
    why="Point-in-time restore, the way back from a corruption that replication copied (L4), reaches back only as far as the retention.",
    remediation="Set `database.backupRetentionDays` in Pulumi.yaml (1-35) to at least "
    "`aurora-backup-retention.minimumRetentionDays` of policies/config.json.",
    severity="high",
    tags=("database", "backup", "L4"),
    config={
        "minimumRetentionDays": {
            "type": "integer",
            "minimum": 1,
            "maximum": 35,
            "default": 7,
            "description": "Fewest days of automated backups an Aurora cluster may keep.",
        }
    },
    types=(RDS_CLUSTER,),
    check=check,
)
