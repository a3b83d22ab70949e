"""components/config.py: the shipped config loads, and every bad value gets one exact message.

Each message says `<key>: expected <what>; got <value>; <how to fix it>`, so the table
asserts whole messages: a reworded message is a visible change, not a silent one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from components.config import (
    LEVELS,
    OFFLINE_SECRET,
    ConfigError,
    format_duration,
    load_stack_config,
    parse_duration,
    required_secrets,
)
from drctl.engine import EngineError, run_stack
from drctl.stackconfig import load_raw_config

# ---------------------------------------------------------------------------------------
# Durations
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("0s", 0), ("90s", 90), ("15m", 900), ("1h", 3600), ("1d", 86400), (" 5m ", 300), ("2 h", 7200)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("15 minutos", 'got "15 minutos"; write "15m"'),
        ("1 hora", 'got "1 hora"; write "1h"'),
        ("2 días", 'got "2 días"; write "2d"'),
        ("30 seconds", 'got "30 seconds"; write "30s"'),
        ("15min", 'got "15min"; write "15m"'),
        (15, 'got 15; add the unit, e.g. "15m" for minutes or "15s" for seconds'),
        ("1.5h", 'got "1.5h"; write a whole number followed by s, m, h or d, e.g. "15m"'),
        ("", 'got ""; write a whole number followed by s, m, h or d, e.g. "15m"'),
        (True, 'got true; write a whole number followed by s, m, h or d, e.g. "15m"'),
    ],
)
def test_parse_duration_refuses_with_a_fix(value, message):
    with pytest.raises(ValueError) as err:
        parse_duration(value)
    assert str(err.value) == (
        'expected a duration like "0s", "90s", "15m", "1h" or "1d" (a whole number and one unit: s, m, h, d); ' + message
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (45, "45s"), (900, "15m"), (3600, "1h"), (86400, "1d"), (90, "90s"), (5400, "90m"), (0.4, "0s"), (None, "unbounded")],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize("text", ["0s", "90s", "15m", "1h", "1d", "90m", "36h"])
def test_format_parse_round_trip(text):
    assert format_duration(parse_duration(text)) == text


# ---------------------------------------------------------------------------------------
# The shipped configuration
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw(project_dir) -> dict[str, dict[str, str]]:
    return {stack: load_raw_config(project_dir, stack).values for stack in ("primary", "dr")}


def test_shipped_stacks_load(raw):
    primary = load_stack_config(raw["primary"], "primary")
    dr = load_stack_config(raw["dr"], "dr")
    assert (primary.site, primary.region, primary.role, primary.peer_stack, primary.peer_region) == (
        "primary",
        "us-east-1",
        "active",
        "dr",
        "us-west-2",
    )
    assert (dr.site, dr.region, dr.role, dr.peer_stack, dr.peer_region) == ("dr", "us-west-2", "standby", "primary", "us-east-1")
    assert primary.peer_wired and dr.peer_wired
    # Offline, secrets are placeholders, and the model says so.
    assert primary.secrets_placeholder and dr.secrets_placeholder


def test_shipped_topology_holds_the_dtem_values(raw):
    t = load_stack_config(raw["primary"], "primary").topology
    assert t.availability_zones == 3
    replicas = {name: (s.replicas.active, s.replicas.standby) for name, s in t.workloads.services.items()}
    assert replicas == {"api-gateway": (5, 1), "dte-service": (10, 1), "web-frontend": (3, 1)}
    assert t.workloads.strategy == "warm"
    assert sorted(t.workloads.health_paths.values()) == ["/health", "/health", "/health/db", "/health/redis"]
    assert {s.port for s in t.workloads.services.values()} == {8080}
    assert t.cache.strategy == "global-datastore"
    assert t.dns.zone == "dtem.example.cl"
    assert t.dns.records == {"app": "web-frontend", "api": "api-gateway"}


# The seed's RTO per component is the same at every level; RPOs are honest per level
# (design §2): RPO 0 where storage is synchronous in-region (L1, L2), the asynchronous
# replication's accepted loss at L3. L4 (backup copies, replicated corruption) is pinned
# by the policy pack's tests, which own what each strategy can promise there.
H, M, D = 3600, 60, 86400


@pytest.mark.parametrize(
    ("component", "rto", "rpo"),
    [
        ("database", 1 * H, {"L1": 0, "L2": 0, "L3": 15 * M}),
        ("workloads", 30 * M, {"L1": 0, "L2": 0, "L3": 0}),
        ("queue", 15 * M, {"L1": 0, "L2": 0, "L3": 5 * M}),
        ("cache", 30 * M, {"L1": 1 * H, "L2": 1 * H, "L3": 1 * H}),
        ("objectStore", 2 * H, {"L1": 0, "L2": 0, "L3": 1 * H}),
        ("secrets", 15 * M, {"L1": 0, "L2": 0, "L3": 5 * M}),
    ],
)
def test_targets_per_level(raw, component, rto, rpo):
    spec = load_stack_config(raw["primary"], "primary").topology.targets(component)
    assert spec.rto == {lvl: rto for lvl in LEVELS}
    assert {lvl: spec.rpo[lvl] for lvl in rpo} == rpo
    assert set(spec.rpo) == set(LEVELS)


def test_required_secrets_per_site():
    assert required_secrets("primary") == ("dtem-dr:dbPassword", "dtem-dr:mqPassword", "dtem-dr:mqReplicationPassword")
    # The dr cluster joins the global database without master credentials.
    assert required_secrets("dr") == ("dtem-dr:mqPassword", "dtem-dr:mqReplicationPassword")


# ---------------------------------------------------------------------------------------
# Every bad value: one exact message
# ---------------------------------------------------------------------------------------

Edit = Callable[[dict[str, Any]], None]


def _topology(edit: Edit) -> Callable[[dict[str, str]], None]:
    def apply(raw: dict[str, str]) -> None:
        topo = json.loads(raw["dtem-dr:topology"])
        edit(topo)
        raw["dtem-dr:topology"] = json.dumps(topo)

    return apply


def _stack(**changes: str | None) -> Callable[[dict[str, str]], None]:
    def apply(raw: dict[str, str]) -> None:
        for key, value in changes.items():
            key = key.replace("__", ":").replace("_", "-") if key.startswith("aws") else f"dtem-dr:{key}"
            if value is None:
                raw.pop(key, None)
            else:
                raw[key] = value

    return apply


def _rename(mapping: dict, old: str, new: str) -> None:
    mapping[new] = mapping.pop(old)


def _replicas(service: str, **counts: int) -> Edit:
    return lambda t: t["workloads"]["services"][service]["replicas"].update(counts)


DURATION = 'expected a duration like "0s", "90s", "15m", "1h" or "1d" (a whole number and one unit: s, m, h, d)'
TOPOLOGY_KEYS = "regions, availabilityZones, network, kubernetes, database, objectStore, cache, queue, secrets, workloads, dns, assumptions"
PROJECT_KEYS = "role, peerStack, peerWired, allowDataLoss, topology, dbPassword, mqPassword, mqReplicationPassword"

INVALID = [
    # --- unknown keys (typos), in the topology and at the stack level ---
    (
        "typo-top-level",
        "dr",
        _topology(lambda t: _rename(t, "database", "databse")),
        [f'topology.databse: expected a key of topology ({TOPOLOGY_KEYS}); got "databse"; rename it to "database"'],
    ),
    (
        "typo-nested",
        "dr",
        _topology(lambda t: t["cache"].__setitem__("snapshotRetentionDay", 7)),
        [
            "topology.cache.snapshotRetentionDay: expected a key of topology.cache (rto, rpo, strategy, engine, engineVersion, "
            'nodeType, snapshotRetentionDays, snapshotWindow, restoreSnapshot); got "snapshotRetentionDay"; '
            'rename it to "snapshotRetentionDays"'
        ],
    ),
    (
        "unknown-key-no-near-match",
        "primary",
        _topology(lambda t: t["dns"].__setitem__("owner", "ops")),
        [
            'topology.dns.owner: expected a key of topology.dns (zone, records, ttl, healthCheck); got "owner"; '
            "remove it (unknown keys are refused: they are usually typos)"
        ],
    ),
    (
        "typo-stack-key",
        "dr",
        _stack(rol="standby"),
        [
            f'dtem-dr:rol: expected a key of the project ({PROJECT_KEYS}); got "rol"; '
            'rename it to "role" (pulumi config rm rol --stack dr; pulumi config set role ... --stack dr)'
        ],
    ),
    (
        "typo-site-name",
        "dr",
        _topology(lambda t: _rename(t["regions"], "primary", "prmary")),
        ['topology.regions.prmary: expected "primary" or "dr"; got "prmary"; rename it to "primary"'],
    ),
    # --- durations and levels ---
    (
        "rpo-in-words",
        "dr",
        _topology(lambda t: t["database"].__setitem__("rpo", "15 minutos")),
        [f'topology.database.rpo: {DURATION}; got "15 minutos"; write "15m"'],
    ),
    (
        "rpo-level-in-words",
        "dr",
        _topology(lambda t: t["cache"].__setitem__("rpo", {"default": "1h", "L3": "1 hora"})),
        [f'topology.cache.rpo.L3: {DURATION}; got "1 hora"; write "1h"'],
    ),
    (
        "rpo-default-in-words",
        "dr",
        _topology(lambda t: t["queue"].__setitem__("rto", {"default": "15 minutes"})),
        [f'topology.queue.rto.default: {DURATION}; got "15 minutes"; write "15m"'],
    ),
    (
        "rpo-bare-number",
        "dr",
        _topology(lambda t: t["secrets"].__setitem__("rpo", 15)),
        [
            f'topology.secrets.rpo: {DURATION}, or a mapping of levels like {{default: "15m", L3: "1h"}}; got 15; '
            'add the unit, e.g. "15m" for minutes or "15s" for seconds'
        ],
    ),
    (
        "rpo-with-no-level",
        "dr",
        _topology(lambda t: t["database"].__setitem__("rpo", {"L1": "0s"})),
        [
            "topology.database.rpo: expected a target for every level L1, L2, L3, L4, or a default for the levels not named; "
            'got {L1: "0s"}; add default: "<duration>" or name L2, L3, L4'
        ],
    ),
    (
        "unknown-level",
        "dr",
        _topology(lambda t: t["cache"].__setitem__("rpo", {"default": "1h", "L5": "1d"})),
        ['topology.cache.rpo.L5: expected a disaster level (L1, L2, L3, L4) or default; got "L5"; remove it'],
    ),
    (
        "level-typo",
        "dr",
        _topology(lambda t: t["cache"].__setitem__("rpo", {"defualt": "1h"})),
        ['topology.cache.rpo.defualt: expected a disaster level (L1, L2, L3, L4) or default; got "defualt"; rename it to "default"'],
    ),
    # --- topology shape ---
    (
        "two-azs",
        "dr",
        _topology(lambda t: t.__setitem__("availabilityZones", 2)),
        [
            "topology.availabilityZones: expected 3 or more (a node, an instance and a NAT gateway per AZ; losing one AZ "
            "must leave two); got 2; set availabilityZones: 3"
        ],
    ),
    (
        "peer-region-equals-own-region",
        "primary",
        _topology(lambda t: t["regions"].__setitem__("dr", "us-east-1")),
        [
            "topology.regions.dr: expected a dr region different from the primary region (a region-loss plan needs two "
            'regions); got "us-east-1"; set regions.dr to another region, e.g. "us-west-2"'
        ],
    ),
    (
        "not-a-region",
        "primary",
        _topology(lambda t: t["regions"].__setitem__("dr", "oregon")),
        ['topology.regions.dr: expected an AWS region like "us-east-1"; got "oregon"; use the region\'s code'],
    ),
    (
        "missing-required-key",
        "dr",
        _topology(lambda t: t["cache"].pop("nodeType")),
        ["topology.cache.nodeType: expected a value (node type); got nothing; add nodeType under topology.cache"],
    ),
    (
        "strategy-typo",
        "dr",
        _topology(lambda t: t["cache"].__setitem__("strategy", "global_datastore")),
        ['topology.cache.strategy: expected "global-datastore" or "rebuild"; got "global_datastore"; use "global-datastore"'],
    ),
    (
        "workloads-strategy-unknown",
        "dr",
        _topology(lambda t: t["workloads"].__setitem__("strategy", "cold")),
        ['topology.workloads.strategy: expected "warm" or "pilot-light"; got "cold"; use one of them'],
    ),
    (
        "negative-replicas",
        "dr",
        _topology(_replicas("api-gateway", standby=-1)),
        ["topology.workloads.services.api-gateway.replicas.standby: expected a number >= 0; got -1; set it to 0 or more"],
    ),
    (
        "standby-above-active",
        "dr",
        _topology(_replicas("dte-service", standby=11)),
        [
            "topology.workloads.services.dte-service.replicas.standby: expected at most active (10): a standby region "
            "never runs more than an active one; got 11; lower standby or raise active"
        ],
    ),
    (
        "standby-nodes-above-active",
        "dr",
        _topology(lambda t: t["kubernetes"]["nodesPerAz"].update(standby=3)),
        [
            "topology.kubernetes.nodesPerAz.standby: expected at most active (2): a standby region never needs more "
            "than an active one; got 3; lower standby or raise active"
        ],
    ),
    (
        "warm-with-zero-standby",
        "dr",
        _topology(_replicas("web-frontend", standby=0)),
        [
            "topology.workloads.services.web-frontend.replicas.standby: expected at least 1 with strategy warm (a warm "
            "region keeps every service running); got 0; set it to 1 or more, or use strategy: pilot-light"
        ],
    ),
    (
        "port-not-a-number",
        "dr",
        _topology(lambda t: t["workloads"]["services"]["api-gateway"].__setitem__("port", "http")),
        ['topology.workloads.services.api-gateway.port: expected a whole number; got "http"; write a whole number, e.g. 3'],
    ),
    (
        "health-check-interval",
        "primary",
        _topology(lambda t: t["dns"]["healthCheck"].__setitem__("requestInterval", 15)),
        ["topology.dns.healthCheck.requestInterval: expected 10 or 30; got 15; use one of them"],
    ),
    (
        "small-vpc",
        "dr",
        _topology(lambda t: t["network"]["cidrs"].__setitem__("us-west-2", "10.20.0.0/24")),
        [
            'topology.network.cidrs.us-west-2: expected a /20 or larger (6 subnets over 3 AZs); got "10.20.0.0/24"; '
            'use a shorter prefix, e.g. "10.20.0.0/16"'
        ],
    ),
    (
        "dns-record-on-private-service",
        "primary",
        _topology(lambda t: t["dns"]["records"].__setitem__("svc", "dte-service")),
        [
            'topology.dns.records.svc: expected a public service (api-gateway, web-frontend); got "dte-service"; '
            "mark the service public: true or point the record at a public one"
        ],
    ),
    (
        "global-db-rpo-floor",
        "primary",
        _topology(lambda t: t["database"].__setitem__("globalDbRpo", "10s")),
        [
            "topology.database.globalDbRpo: expected at least 20s (the floor of rds.global_db_rpo, Aurora User Guide); "
            'got "10s"; set "20s" or more, or remove the key'
        ],
    ),
    # --- the stack file ---
    (
        "role-typo",
        "dr",
        _stack(role="activ"),
        ['dtem-dr:role: expected "active" or "standby"; got "activ"; run pulumi config set role active --stack dr'],
    ),
    (
        "primary-in-standby",
        "primary",
        _stack(role="standby"),
        [
            'dtem-dr:role: expected "active" on the primary site (us-east-1 holds the global writer); got "standby"; '
            "run pulumi config set role active --stack primary (to fail back, follow the README's failback section)"
        ],
    ),
    (
        "region-not-in-topology",
        "dr",
        _stack(aws__region="eu-west-1"),
        [
            'aws:region: expected a region of the topology, us-east-1 (primary) or us-west-2 (dr); got "eu-west-1"; '
            "run pulumi config set aws:region us-west-2 --stack dr, or change topology.regions"
        ],
    ),
    (
        "region-missing",
        "dr",
        _stack(aws__region=None),
        ["aws:region: expected the stack's AWS region; got nothing; run pulumi config set aws:region <region> --stack dr"],
    ),
    (
        "peer-is-self",
        "dr",
        _stack(peerStack="dr"),
        ['dtem-dr:peerStack: expected the other stack\'s name; got "dr"; run pulumi config set peerStack primary --stack dr (this stack is dr)'],
    ),
    (
        "peer-wired-not-a-bool",
        "primary",
        _stack(peerWired="later"),
        [
            'dtem-dr:peerWired: expected true or false; got "later"; run pulumi config rm peerWired --stack primary '
            "(false is only for the primary stack's first deployment)"
        ],
    ),
    (
        "peer-wired-false-on-dr",
        "dr",
        _stack(peerWired="false"),
        [
            "dtem-dr:peerWired: expected the key unset on the dr site (the dr stack always reads the primary stack's "
            "outputs); got false; run pulumi config rm peerWired --stack dr"
        ],
    ),
    (
        "missing-secrets-dr",
        "dr",
        _stack(mqPassword=None, mqReplicationPassword=None, dbPassword=None),
        [
            "dtem-dr:mqPassword: expected a secret (the broker application user's password); got nothing; "
            "run pulumi config set --secret mqPassword <value> --stack dr",
            "dtem-dr:mqReplicationPassword: expected a secret (the broker replication (CRDR) user's password); got nothing; "
            "run pulumi config set --secret mqReplicationPassword <value> --stack dr",
        ],
    ),
    (
        "missing-db-secret-primary",
        "primary",
        _stack(dbPassword=None),
        [
            "dtem-dr:dbPassword: expected a secret (the database master user's password); got nothing; "
            "run pulumi config set --secret dbPassword <value> --stack primary"
        ],
    ),
    (
        "topology-not-json",
        "dr",
        _stack(topology="{regions: [}"),
        [
            'dtem-dr:topology: expected an object; got "{regions: [}"; give it in the value: form in Pulumi.yaml '
            "(not JSON: Expecting property name enclosed in double quotes)"
        ],
    ),
    (
        "topology-missing",
        "dr",
        _stack(topology=None),
        ["dtem-dr:topology: expected the topology object; got nothing; restore dtem-dr:topology (value: form) in Pulumi.yaml's config"],
    ),
    # --- several mistakes at once: all reported, in one error ---
    (
        "several-at-once",
        "dr",
        lambda raw: (_stack(role="activ")(raw), _topology(lambda t: t.__setitem__("availabilityZones", 2))(raw)),
        [
            'dtem-dr:role: expected "active" or "standby"; got "activ"; run pulumi config set role active --stack dr',
            "topology.availabilityZones: expected 3 or more (a node, an instance and a NAT gateway per AZ; losing one AZ "
            "must leave two); got 2; set availabilityZones: 3",
        ],
    ),
]


@pytest.mark.parametrize(("stack", "edit", "messages"), [case[1:] for case in INVALID], ids=[case[0] for case in INVALID])
def test_invalid_config_message(raw, stack, edit, messages):
    bad = dict(raw[stack])
    edit(bad)
    with pytest.raises(ConfigError) as err:
        load_stack_config(bad, stack)
    assert err.value.problems == messages


def test_every_message_names_key_expected_received_and_fix(raw):
    """The house format, checked over the whole table (a new case cannot drift from it)."""
    for name, stack, edit, _ in INVALID:
        bad = dict(raw[stack])
        edit(bad)
        with pytest.raises(ConfigError) as err:
            load_stack_config(bad, stack)
        for problem in err.value.problems:
            key, _, rest = problem.partition(": expected ")
            assert key and " " not in key, (name, problem)
            assert "; got " in rest and rest.count("; ") >= 2, (name, problem)
            assert "Input should" not in problem and "Value error" not in problem, (name, problem)


# ---------------------------------------------------------------------------------------
# Through the program: the error comes before any resource, without a traceback
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stack", "overrides", "message"),
    [
        (
            "dr",
            {"dtem-dr:role": "activ"},
            "invalid configuration for stack 'dr':\n"
            '  - dtem-dr:role: expected "active" or "standby"; got "activ"; run pulumi config set role active --stack dr',
        ),
        (
            "primary",
            {"dtem-dr:mqPassword": ""},
            "invalid configuration for stack 'primary':\n"
            "  - dtem-dr:mqPassword: expected a secret (the broker application user's password); got nothing; "
            "run pulumi config set --secret mqPassword <value> --stack primary",
        ),
    ],
)
def test_program_stops_before_any_resource(project_dir, stack, overrides, message):
    with pytest.raises(EngineError) as err:
        run_stack(project_dir, stack, overrides=overrides)
    assert str(err.value) == message
    assert err.value.resources == []
    assert "Traceback" not in str(err.value)


def test_program_stops_before_any_resource_on_a_bad_topology(project_dir, raw):
    topo = json.loads(raw["dr"]["dtem-dr:topology"])
    topo["availabilityZones"] = 2
    topo["database"]["rpo"] = "15 minutos"
    with pytest.raises(EngineError) as err:
        run_stack(project_dir, "dr", overrides={"dtem-dr:topology": topo})
    assert err.value.resources == []
    assert str(err.value).splitlines() == [
        "invalid configuration for stack 'dr':",
        "  - topology.availabilityZones: expected 3 or more (a node, an instance and a NAT gateway per AZ; losing one AZ "
        "must leave two); got 2; set availabilityZones: 3",
        f'  - topology.database.rpo: {DURATION}; got "15 minutos"; write "15m"',
    ]


def test_offline_placeholder_is_marked(raw):
    assert raw["dr"]["dtem-dr:mqPassword"] == f"{OFFLINE_SECRET}:dtem-dr:mqPassword"
