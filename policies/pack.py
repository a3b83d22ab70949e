"""The pack's contents: every rule, in the order POLICIES.md lists them.

Importable without side effects (the tests, drctl and POLICIES.md's meta-test read it);
`__main__.py` turns it into the running `PolicyPack`.
"""

from __future__ import annotations

from .rules.backup import cross_region_copy
from .rules.base import Rule
from .rules.cache import automatic_failover, multi_az, snapshot_retention
from .rules.database import (
    backup_retention,
    customer_kms_key,
    deletion_protection,
    global_membership,
    not_public,
    secondary_ignores_replication_source,
)
from .rules.exemptions import reason_required
from .rules.kubernetes import (
    active_min_replicas,
    health_probes,
    image_registry_in_region,
    pod_disruption_budget,
    standby_warm_replicas,
    zone_topology_spread,
)
from .rules.network import nat_gateway_per_az, subnets_three_azs
from .rules.protection import stateful_protected
from .rules.queue import crdr_replica, multi_az_deployment
from .rules.resilience import region_loss_unprotected, target_ceiling, targets
from .rules.secrets import cross_region_replica
from .rules.storage import (
    cross_region_replication,
    kms_encryption,
    public_access_blocked,
    replication_time_control,
    versioning,
)

PACK_NAME = "dtem-dr-resilience"
DESCRIPTION = (
    "DTEM disaster recovery: proves at preview time that the topology meets its RTO/RPO targets per component and "
    "disaster level, and blocks the settings that silently weaken recovery."
)

MODULES = (
    # resilience first: the assessment is the pack's reason to exist
    targets,
    target_ceiling,
    region_loss_unprotected,
    backup_retention,
    deletion_protection,
    customer_kms_key,
    not_public,
    global_membership,
    secondary_ignores_replication_source,
    versioning,
    public_access_blocked,
    kms_encryption,
    cross_region_replication,
    replication_time_control,
    multi_az,
    automatic_failover,
    snapshot_retention,
    multi_az_deployment,
    crdr_replica,
    cross_region_replica,
    active_min_replicas,
    standby_warm_replicas,
    zone_topology_spread,
    health_probes,
    pod_disruption_budget,
    image_registry_in_region,
    subnets_three_azs,
    nat_gateway_per_az,
    cross_region_copy,
    stateful_protected,
    reason_required,
)

RULES: list[Rule] = [m.POLICY for m in MODULES]
BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}


def policies() -> list:
    """The SDK policy objects, for `PolicyPack`."""
    return [r.to_policy() for r in RULES]
