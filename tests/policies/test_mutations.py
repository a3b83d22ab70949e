"""The mutation table: known-bad changes to the shipped topology, each caught by exactly the
policies the table names -- and nothing else newly failing.

A row changes the topology one of four ways, all through the pack's real interface:
- `change`: edit the captured resources before Analyze (what a component bug would deploy);
- `config`: edit the stack config the pack receives (targets live there);
- `program`: re-run the program with config overrides (what `pulumi config set` would do);
- `exemptions`: run the pack with another exemptions file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from tests.policies.conftest import editable, failing, find, with_config

CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
GLOBAL = "aws:rds/globalCluster:GlobalCluster"
SUBNET = "aws:ec2/subnet:Subnet"
NAT = "aws:ec2/natGateway:NatGateway"
BUCKET = "aws:s3/bucket:Bucket"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_GLOBAL = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup"
BROKER = "aws:mq/broker:Broker"
SECRET = "aws:secretsmanager/secret:Secret"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
PLAN = "aws:backup/plan:Plan"
HEALTH = "aws:route53/healthCheck:HealthCheck"
RECORD = "aws:route53/record:Record"

RESILIENCE = "resilience-targets"


@dataclass(frozen=True)
class Mutation:
    id: str
    stack: str
    caught_by: frozenset[str]
    change: Callable | None = None
    config: Callable[[dict], None] | None = None
    """Edits the topology (targets) the pack receives."""
    program: dict | None = None
    """Edits the topology before re-running the program: {component: {key: value}}."""
    exemptions: list | None = None
    keys: dict = field(default_factory=dict)


def m(id_, stack, caught_by, **kw):
    return Mutation(id_, stack, frozenset(caught_by), **kw)


def props(items, type_, name=None):
    return find(items, type_, name).properties


def rule(items):
    return props(items, REPLICATION)["rules"][0]


def drop(items, type_, keep=lambda i: False):
    items[:] = [i for i in items if i.type != type_ or keep(i)]


def pod_spec(items, name):
    return props(items, DEPLOYMENT, name)["spec"]["template"]["spec"]


def set_(obj, **values):
    obj.update(values)


MUTATIONS = [
    # database
    m("backup-retention-1-day", "primary", {"aurora-backup-retention"}, change=lambda i: set_(props(i, CLUSTER), backupRetentionPeriod=1)),
    m("cluster-deletion-protection-off", "primary", {"aurora-deletion-protection"}, change=lambda i: set_(props(i, CLUSTER), deletionProtection=False)),
    m("global-cluster-deletion-protection-off", "primary", {"aurora-deletion-protection"}, change=lambda i: set_(props(i, GLOBAL), deletionProtection=False)),
    m("cluster-storage-unencrypted", "primary", {"aurora-customer-kms-key"}, change=lambda i: set_(props(i, CLUSTER), storageEncrypted=False)),
    m("cluster-aws-managed-key", "dr", {"aurora-customer-kms-key"}, change=lambda i: set_(props(i, CLUSTER), kmsKeyId="alias/aws/rds")),
    m("public-database", "primary", {"aurora-not-publicly-accessible"}, change=lambda i: set_(props(i, INSTANCE), publiclyAccessible=True)),
    m("dr-cluster-out-of-global-cluster", "dr", {"aurora-global-membership", RESILIENCE}, change=lambda i: props(i, CLUSTER).pop("globalClusterIdentifier")),
    m("dr-secondary-without-ignore-changes", "dr", {"aurora-secondary-ignores-replication-source"}, change=lambda i: setattr(find(i, CLUSTER), "ignore_changes", ())),
    # network
    m("one-az", "primary", {"network-subnets-three-azs", "network-nat-gateway-per-az"}, change=lambda i: [set_(s.properties, availabilityZone="us-east-1a") for s in i if s.type == SUBNET]),
    m("single-nat-gateway", "dr", {"network-nat-gateway-per-az"}, change=lambda i: drop(i, NAT, keep=lambda n: n.name.endswith("2a"))),
    # storage
    m("versioning-suspended", "primary", {"s3-versioning-enabled", RESILIENCE}, change=lambda i: set_(props(i, VERSIONING)["versioningConfiguration"], status="Suspended")),
    m("public-bucket", "dr", {"s3-public-access-blocked"}, change=lambda i: set_(props(i, BLOCK), restrictPublicBuckets=False, blockPublicPolicy=False)),
    m("sse-s3-not-kms", "primary", {"s3-kms-encryption"}, change=lambda i: set_(props(i, SSE)["rules"][0]["applyServerSideEncryptionByDefault"], sseAlgorithm="AES256")),
    m("replication-to-the-same-region", "primary", {"s3-cross-region-replication", RESILIENCE}, change=lambda i: set_(rule(i)["destination"], bucket="arn:aws:s3:::dtem-files-us-east-1")),
    m("replication-to-an-unknown-bucket", "primary", {"s3-cross-region-replication", RESILIENCE}, change=lambda i: set_(rule(i)["destination"], bucket="arn:aws:s3:::files-archive")),
    m("replication-rule-disabled", "primary", {"s3-cross-region-replication", RESILIENCE}, change=lambda i: set_(rule(i), status="Disabled")),
    m(
        "no-rtc-with-a-15-minute-rpo",
        "primary",
        {"s3-replication-time-control", RESILIENCE},
        program={"objectStore": {"replicationTimeControl": False, "rpo": {"default": "15m", "L1": "0s", "L2": "0s"}}},
    ),
    m("no-rtc-with-a-1-hour-rpo", "primary", {RESILIENCE}, program={"objectStore": {"replicationTimeControl": False}}),
    # cache
    m("cache-not-multi-az", "primary", {"elasticache-multi-az", RESILIENCE}, change=lambda i: set_(props(i, GROUP), multiAzEnabled=False)),
    m("cache-without-automatic-failover", "dr", {"elasticache-automatic-failover", RESILIENCE}, change=lambda i: set_(props(i, GROUP), automaticFailoverEnabled=False)),
    m("cache-without-snapshots", "primary", {"elasticache-snapshot-retention", RESILIENCE}, program={"cache": {"snapshotRetentionDays": 0}}),
    m("seed-daily-cache-snapshots-for-a-1-hour-rpo", "primary", {RESILIENCE}, program={"cache": {"strategy": "rebuild"}}),
    m("global-datastore-removed", "primary", {RESILIENCE}, change=lambda i: drop(i, CACHE_GLOBAL)),
    m("dr-cache-out-of-global-datastore", "dr", {RESILIENCE}, change=lambda i: props(i, GROUP).pop("globalReplicationGroupId")),
    # queue
    m("single-instance-broker", "primary", {"mq-multi-az-deployment", RESILIENCE}, change=lambda i: set_(props(i, BROKER), deploymentMode="SINGLE_INSTANCE")),
    m("dr-broker-not-a-crdr-replica", "dr", {"mq-crdr-replica", RESILIENCE}, change=lambda i: props(i, BROKER).pop("dataReplicationMode")),
    m(
        "dr-broker-replicating-its-own-region",
        "dr",
        {"mq-crdr-replica", RESILIENCE},
        change=lambda i: set_(props(i, BROKER), dataReplicationPrimaryBrokerArn=props(i, BROKER)["dataReplicationPrimaryBrokerArn"].replace("us-east-1", "us-west-2")),
    ),
    m("seed-queue-rpo-0-at-every-level", "dr", {RESILIENCE}, config=lambda t: t["queue"].update(rpo="0s")),
    # secrets
    m("secret-without-replica", "primary", {"secrets-cross-region-replica", RESILIENCE}, change=lambda i: set_(props(i, SECRET), replicas=[])),
    m("secret-replica-in-its-own-region", "primary", {"secrets-cross-region-replica", RESILIENCE}, change=lambda i: set_(props(i, SECRET)["replicas"][0], region="us-east-1")),
    # kubernetes
    m("active-deployment-with-one-replica", "primary", {"k8s-active-min-replicas"}, change=lambda i: set_(props(i, DEPLOYMENT, "workloads-api-gateway")["spec"], replicas=1)),
    m("warm-standby-with-zero-replicas", "dr", {"k8s-standby-warm-replicas"}, change=lambda i: set_(props(i, DEPLOYMENT, "workloads-dte-service")["spec"], replicas=0)),
    m("no-zone-spread", "primary", {"k8s-zone-topology-spread"}, change=lambda i: pod_spec(i, "workloads-web-frontend").pop("topologySpreadConstraints")),
    m("no-liveness-probe", "dr", {"k8s-health-probes"}, change=lambda i: pod_spec(i, "workloads-api-gateway")["containers"][0].pop("livenessProbe")),
    m("pod-disruption-budget-removed", "primary", {"k8s-pod-disruption-budget"}, change=lambda i: drop(i, PDB, keep=lambda p: p.name != "workloads-dte-service-pdb")),
    # protection
    m("bucket-protect-off", "primary", {"stateful-resource-protected"}, change=lambda i: setattr(find(i, BUCKET), "protect", False)),
    m("broker-protect-off", "dr", {"stateful-resource-protected"}, change=lambda i: setattr(find(i, BROKER), "protect", False)),
    # backup
    m("backup-without-cross-region-copy", "primary", {"backup-cross-region-copy"}, change=lambda i: set_(props(i, PLAN)["rules"][0], copyActions=[])),
    m(
        "backup-copy-into-its-own-region",
        "dr",
        {"backup-cross-region-copy"},
        change=lambda i: set_(props(i, PLAN)["rules"][0]["copyActions"][0], destinationVaultArn="arn:aws:backup:us-west-2:123456789012:backup-vault:dtem-us-west-2"),
    ),
    # traffic
    m(
        "slow-dns-failover",
        "primary",
        {RESILIENCE},
        change=lambda i: [
            *(set_(h.properties, requestInterval=30, failureThreshold=10) for h in i if h.type == HEALTH),
            *(set_(r.properties, ttl=3600) for r in i if r.type == RECORD),
        ],
    ),
    m("no-failover-records", "primary", {RESILIENCE}, change=lambda i: drop(i, RECORD)),
    # targets and exemptions
    m("lax-cache-target", "primary", {"resilience-target-ceiling"}, config=lambda t: t["cache"].update(rpo={"default": "4h", "L4": "1d"})),
    m(
        "exemption-without-reason",
        "primary",
        {"exemption-reason-required", "resilience-target-ceiling"},
        exemptions=[{"policy": "resilience-target-ceiling", "resource": "queue/L4", "reason": ""}],
    ),
]


def test_the_table_is_large_and_names_unique():
    assert len(MUTATIONS) >= 30
    assert len({x.id for x in MUTATIONS}) == len(MUTATIONS)


@pytest.fixture(scope="module")
def baseline(pack_primary, pack_dr, topology):
    return {
        "primary": failing(pack_primary.preview(editable(topology.primary))),
        "dr": failing(pack_dr.preview(editable(topology.dr))),
    }


def _program(project_dir, topology, stack, edits):
    from drctl.engine import run_stack

    topo = json.loads(topology[stack].config["dtem-dr:topology"])
    for component, values in edits.items():
        topo[component].update(values)
    peer = topology.dr.exports if stack == "primary" else topology.first_pass.exports
    return run_stack(project_dir, stack, overrides={"dtem-dr:topology": json.dumps(topo)}, peer_outputs=peer)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[x.id for x in MUTATIONS])
def test_each_mutation_is_caught_by_the_named_policies_only(mutation, packs, topology, baseline, project_dir, tmp_path):
    capture = topology[mutation.stack]
    if mutation.program is not None:
        capture = _program(project_dir, topology, mutation.stack, mutation.program)
    config = capture.config
    if mutation.config is not None:
        config = with_config(config, topology=mutation.config)
    exemptions = None
    if mutation.exemptions is not None:
        exemptions = tmp_path / "exemptions.json"
        exemptions.write_text(json.dumps({"exemptions": mutation.exemptions}))
    items = editable(capture)
    if mutation.change is not None:
        mutation.change(items)
    analysis = packs.get(mutation.stack, config, exemptions=exemptions).preview(items)
    new = failing(analysis) - baseline[mutation.stack]
    assert {policy for policy, _ in new} == mutation.caught_by
    assert {d.enforcement for d in analysis.diagnostics if d.policy in mutation.caught_by} == {"mandatory"}
