"""DTEM DR topology: one stack = one region (`pulumi up --stack primary|dr`).

Loads and validates the config (every mistake reported before any resource exists),
creates the region's explicit provider and the reference to the peer stack, builds the
regional composition, exports what the peer and the operators need.
"""

import pulumi
import pulumi_aws as aws
from pulumi.runtime.config import CONFIG, get_config_env

from components.config import PROJECT, SECRET_KEYS, ConfigError, load_stack_config
from components.peer import PeerOutputs
from components.region import RegionalTopology


def _raw_config() -> dict:
    # The engine hands the program its config either in the process-wide PULUMI_CONFIG or
    # through set_all_config; the stack's own keys win.
    return {**get_config_env(), **CONFIG.get()}


try:
    cfg = load_stack_config(_raw_config(), pulumi.get_stack())
except ConfigError as err:
    raise pulumi.RunError(
        f"invalid configuration for stack {pulumi.get_stack()!r}:\n  - " + "\n  - ".join(err.problems)
    ) from None

# Every resource gets this explicit provider (through its component's parent chain): no
# default provider, so nothing can silently land in another region (design §4.1).
provider = aws.Provider(f"aws-{cfg.region}", region=cfg.region)
invoke = pulumi.InvokeOptions(provider=provider)

zones = aws.get_availability_zones(
    state="available",
    filters=[aws.GetAvailabilityZonesFilterArgs(name="opt-in-status", values=["opt-in-not-required"])],
    opts=invoke,
)
azs = sorted(zones.names)[: cfg.topology.availability_zones]
if len(azs) < cfg.topology.availability_zones:
    raise pulumi.RunError(
        f"topology.availabilityZones: {cfg.region} offers {len(azs)} available zones "
        f"({', '.join(azs) or 'none'}); the topology needs {cfg.topology.availability_zones}"
    )

peer = PeerOutputs(
    cfg.peer_stack if "/" in cfg.peer_stack else f"{pulumi.get_organization()}/{pulumi.get_project()}/{cfg.peer_stack}",
    cfg.stack,
) if cfg.peer_wired else None
if peer is None:
    pulumi.log.warn(
        f"[{PROJECT}:peer:not-wired] first pass: replication to {cfg.peer_region}, backup copies and the "
        f"SECONDARY records are left out; after `pulumi up --stack {cfg.peer_stack}`, remove peerWired and run "
        f"`pulumi up --stack {cfg.stack}` again"
    )

conf = pulumi.Config(PROJECT)
secrets = {key.split(":", 1)[1]: conf.get_secret(key.split(":", 1)[1]) for key in SECRET_KEYS}

zone_id = None
if cfg.site == "primary":
    zone_id = aws.route53.get_zone(name=cfg.topology.dns.zone, private_zone=False, opts=invoke).zone_id

topology = RegionalTopology(
    "dtem",
    cfg,
    azs=azs,
    peer=peer,
    secrets=secrets,
    zone_id=zone_id,
    opts=pulumi.ResourceOptions(providers={"aws": provider}),
)
for key, value in topology.exports.items():
    pulumi.export(key, value)
