"""The whole program (`__main__.py`, the real components and SDKs) under the offline engine,
both stacks, in deployment order: primary first pass (peerWired=false), dr, primary wired.

Reuses the session's `topology` fixture: the three runs happen once for the whole suite.
"""

from __future__ import annotations

from collections import Counter

import pytest

from drctl.engine import COMPUTED_MARK, SECRET_MARK, Capture, EngineError, run_stack
from tests.support import COMPONENT_TAG, STATEFUL_TYPES, by_id, dig, input_names, one, sdk_class, takes_tags

PRIMARY, DR = "us-east-1", "us-west-2"
RUNS = {
    # run: (site, region)
    "first_pass": ("primary", PRIMARY),
    "primary": ("primary", PRIMARY),
    "dr": ("dr", DR),
}


@pytest.fixture(params=list(RUNS))
def run(request, topology) -> tuple[Capture, str, str]:
    """Each of the three runs, with its site and region."""
    capture = topology.first_pass if request.param == "first_pass" else topology[request.param]
    return (capture, *RUNS[request.param])


def _cloud(capture: Capture):
    """The AWS and Kubernetes resources. Dynamic resources (promotions, which call AWS
    through boto3 with their own `region` input) are still held to the region check."""
    return [r for r in capture.custom() if r.type.split(":")[0] in ("aws", "kubernetes")]


def _short(type_: str) -> str:
    package, module, cls = type_.split(":")
    return f"{module.split('/')[0]}:{cls}" if package == "aws" else f"k8s:{cls}"


# ---------------------------------------------------------------------------------------
# What each stack builds
# ---------------------------------------------------------------------------------------

_NETWORK = {"ec2:Vpc": 1, "ec2:InternetGateway": 1, "ec2:Subnet": 6, "ec2:Eip": 3, "ec2:NatGateway": 3, "ec2:RouteTable": 4, "ec2:RouteTableAssociation": 6}
_KUBERNETES = {"eks:Cluster": 1, "eks:NodeGroup": 3, "iam:Role": 2, "iam:RolePolicyAttachment": 4}
_BACKUP = {"backup:Vault": 1, "backup:Plan": 1, "backup:Selection": 1, "iam:Role": 1, "iam:RolePolicyAttachment": 4}
_BUCKET = {
    "s3:Bucket": 1,
    "s3:BucketVersioning": 1,
    "s3:BucketServerSideEncryptionConfiguration": 1,
    "s3:BucketPublicAccessBlock": 1,
    "s3:BucketLifecycleConfiguration": 1,
}
_REPLICATION = {"iam:Role": 1, "iam:RolePolicy": 1, "s3:BucketReplicationConfig": 1}
_WORKLOADS = {"k8s:Namespace": 1, "k8s:Deployment": 3, "k8s:Service": 3, "k8s:PodDisruptionBudget": 3}
_DB = {"rds:SubnetGroup": 1, "ec2:SecurityGroup": 1, "rds:ClusterParameterGroup": 1, "rds:Cluster": 1, "rds:ClusterInstance": 3}
_CACHE = {"elasticache:SubnetGroup": 1, "ec2:SecurityGroup": 1, "elasticache:ReplicationGroup": 1}
_QUEUE = {"ec2:SecurityGroup": 1, "mq:Broker": 1}
# The primary owns the ECR repositories; ECR replicates them to the dr region itself.
_REGISTRY = {"ecr:Repository": 3, "ecr:ReplicationConfiguration": 1}

EXPECTED_COUNTS = {
    "first_pass": {
        "keys": {"kms:Key": 1},
        "network": _NETWORK,
        "kubernetes": _KUBERNETES,
        "database": {**_DB, "rds:GlobalCluster": 1},
        "backup": _BACKUP,
        "objectStore": _BUCKET,
        "cache": {**_CACHE, "elasticache:GlobalReplicationGroup": 1},
        "queue": _QUEUE,
        "secrets": {"secretsmanager:Secret": 2, "secretsmanager:SecretVersion": 2, "k8s:ConfigMap": 1},
        "workloads": _WORKLOADS,
        "traffic": {"route53:HealthCheck": 2, "route53:Record": 2},
        "registry": _REGISTRY,
    },
    "primary": {
        "keys": {"kms:Key": 1},
        "network": _NETWORK,
        "kubernetes": _KUBERNETES,
        "database": {**_DB, "rds:GlobalCluster": 1},
        "backup": _BACKUP,
        "objectStore": {**_BUCKET, **_REPLICATION},
        "cache": {**_CACHE, "elasticache:GlobalReplicationGroup": 1},
        "queue": _QUEUE,
        "secrets": {"secretsmanager:Secret": 2, "secretsmanager:SecretVersion": 2, "k8s:ConfigMap": 1},
        "workloads": _WORKLOADS,
        "traffic": {"route53:HealthCheck": 4, "route53:Record": 4},
        "registry": _REGISTRY,
    },
    "dr": {
        "keys": {"kms:ReplicaKey": 1},
        "network": _NETWORK,
        "kubernetes": _KUBERNETES,
        "database": _DB,
        "backup": _BACKUP,
        "objectStore": {**_BUCKET, **_REPLICATION},
        "cache": _CACHE,
        "queue": _QUEUE,
        # The dr site holds replicas of the primary's secrets (declared by the primary).
        "secrets": {"k8s:ConfigMap": 1},
        "workloads": _WORKLOADS,
        # Route 53 is owned by the primary stack (design §5).
    },
}


@pytest.mark.parametrize("name", list(EXPECTED_COUNTS))
def test_resource_counts_per_component(topology, name):
    capture = topology.first_pass if name == "first_pass" else topology[name]
    counts: dict[str, Counter] = {}
    for reg in _cloud(capture):  # promotion (dynamic) resources are the failover issue's to pin
        counts.setdefault(COMPONENT_TAG.get(reg.component or "", str(reg.component)), Counter())[_short(reg.type)] += 1
    assert {c: dict(n) for c, n in counts.items()} == EXPECTED_COUNTS[name]


# ---------------------------------------------------------------------------------------
# Three AZs, one of each per AZ (design §5: losing an AZ must not take a service down)
# ---------------------------------------------------------------------------------------


def test_three_distinct_azs_of_the_region(run):
    capture, _, region = run
    azs = capture.exports["availabilityZones"]
    assert len(set(azs)) == 3 and all(az.startswith(region) for az in azs)


def test_subnets_public_and_private_in_each_az(run):
    capture, _, _ = run
    azs = set(capture.exports["availabilityZones"])
    subnets = capture.of_type("aws:ec2/subnet:Subnet")
    public = [s.inputs["availabilityZone"] for s in subnets if "-public-" in s.name]
    private = [s.inputs["availabilityZone"] for s in subnets if "-private-" in s.name]
    assert sorted(public) == sorted(azs) and sorted(private) == sorted(azs)
    # Disjoint ranges inside the VPC's.
    import ipaddress

    vpc = ipaddress.ip_network(one(capture, "aws:ec2/vpc:Vpc").inputs["cidrBlock"])
    nets = [ipaddress.ip_network(s.inputs["cidrBlock"]) for s in subnets]
    assert all(n.subnet_of(vpc) for n in nets)
    assert not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :])


def test_nat_gateway_per_az_and_each_az_routes_through_its_own(run):
    capture, _, _ = run
    ids = by_id(capture)
    azs = set(capture.exports["availabilityZones"])
    nats = capture.of_type("aws:ec2/natGateway:NatGateway")
    nat_az = {n.id: ids[n.inputs["subnetId"]].inputs["availabilityZone"] for n in nats}
    assert sorted(nat_az.values()) == sorted(azs)
    for nat in nats:
        assert "-public-" in ids[nat.inputs["subnetId"]].name, f"{nat.name} must sit in a public subnet"
    # Each private subnet's route table sends 0.0.0.0/0 to the NAT gateway of the same AZ.
    tables = {t.id: t for t in capture.of_type("aws:ec2/routeTable:RouteTable")}
    for assoc in capture.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation"):
        subnet = ids[assoc.inputs["subnetId"]]
        if "-private-" not in subnet.name:
            continue
        (route,) = tables[assoc.inputs["routeTableId"]].inputs["routes"]
        assert route["cidrBlock"] == "0.0.0.0/0"
        assert nat_az[route["natGatewayId"]] == subnet.inputs["availabilityZone"], subnet.name


def test_database_instance_per_az(run):
    capture, _, _ = run
    azs = set(capture.exports["availabilityZones"])
    instances = capture.of_type("aws:rds/clusterInstance:ClusterInstance")
    assert sorted(i.inputs["availabilityZone"] for i in instances) == sorted(azs)
    # Writer preference is deterministic after an in-region failover: tiers 0, 1, 2.
    assert sorted(i.inputs["promotionTier"] for i in instances) == [0, 1, 2]
    cluster = one(capture, "aws:rds/cluster:Cluster")
    assert {i.inputs["clusterIdentifier"] for i in instances} == {cluster.id}
    ids = by_id(capture)
    group = one(capture, "aws:rds/subnetGroup:SubnetGroup")
    assert sorted(ids[s].inputs["availabilityZone"] for s in group.inputs["subnetIds"]) == sorted(azs)


def test_node_group_per_az(run):
    capture, _, _ = run
    ids = by_id(capture)
    azs = set(capture.exports["availabilityZones"])
    groups = capture.of_type("aws:eks/nodeGroup:NodeGroup")
    seen = []
    for group in groups:
        (subnet,) = group.inputs["subnetIds"]
        az = ids[subnet].inputs["availabilityZone"]
        assert "-private-" in ids[subnet].name, group.name
        assert group.inputs["tags"]["dtem:az"] == az, group.name
        seen.append(az)
    assert sorted(seen) == sorted(azs)


def test_node_group_labels_avoid_reserved_prefixes(run):
    """The node group API refuses labels under kubernetes.io/, k8s.io/, eks.amazonaws.com/
    (aws/containers-roadmap#1451): such a label fails CreateNodegroup."""
    capture, _, _ = run
    for group in capture.of_type("aws:eks/nodeGroup:NodeGroup"):
        for key in group.inputs.get("labels", {}):
            assert not any(p in key for p in ("kubernetes.io/", "k8s.io/", "eks.amazonaws.com/")), (group.name, key)


def test_cache_node_per_az(run):
    capture, site, _ = run
    azs = capture.exports["availabilityZones"]
    group = one(capture, "aws:elasticache/replicationGroup:ReplicationGroup")
    assert group.inputs["preferredCacheClusterAzs"] == azs
    assert len(set(group.inputs["preferredCacheClusterAzs"])) == 3
    assert group.inputs["numCacheClusters"] == 3
    assert group.inputs["multiAzEnabled"] is True and group.inputs["automaticFailoverEnabled"] is True
    ids = by_id(capture)
    subnets = one(capture, "aws:elasticache/subnetGroup:SubnetGroup").inputs["subnetIds"]
    assert sorted(ids[s].inputs["availabilityZone"] for s in subnets) == sorted(azs)


def test_broker_active_and_standby_in_two_azs(run):
    capture, _, _ = run
    ids = by_id(capture)
    broker = one(capture, "aws:mq/broker:Broker")
    assert broker.inputs["deploymentMode"] == "ACTIVE_STANDBY_MULTI_AZ"
    assert len({ids[s].inputs["availabilityZone"] for s in broker.inputs["subnetIds"]}) == 2


# ---------------------------------------------------------------------------------------
# Region independence (design §4.1) and explicit providers
# ---------------------------------------------------------------------------------------


def test_every_resource_is_managed_in_the_stack_region(run):
    capture, _, region = run
    elsewhere = [(r.type, r.name, r.region) for r in capture.custom() if r.region != region]
    assert elsewhere == []


def test_every_resource_has_an_explicit_provider(run):
    capture, _, region = run
    providers = {r.urn: r for r in capture.resources if r.is_provider}
    assert sorted(p.type for p in providers.values()) == ["pulumi:providers:aws", "pulumi:providers:kubernetes"]
    assert {p.region for p in providers.values()} == {region}
    for reg in _cloud(capture):
        assert reg.provider != "", f"{reg.type} {reg.name} has no explicit provider (the default one would be used)"
        package = reg.type.split(":")[0]
        assert providers[reg.provider_urn].type == f"pulumi:providers:{package}", reg.name


def test_no_resource_overrides_its_region(run):
    """pulumi-aws 7 accepts a per-resource `region`; it would move a resource out of the
    stack's region behind the provider's back."""
    capture, _, region = run
    assert [(r.type, r.name) for r in capture.custom() if r.inputs.get("region", region) != region] == []


def test_the_dr_stack_reads_the_primary_from_state_only(topology):
    refs = topology.dr.of_type("pulumi:pulumi:StackReference")
    assert [r.inputs["name"] for r in refs] == ["organization/dtem-dr/primary"]
    assert [r.inputs["name"] for r in topology.primary.of_type("pulumi:pulumi:StackReference")] == ["organization/dtem-dr/dr"]
    assert topology.first_pass.of_type("pulumi:pulumi:StackReference") == []


# ---------------------------------------------------------------------------------------
# Stateful resources: protected, encrypted with the region's KMS key (design §4.4)
# ---------------------------------------------------------------------------------------


def test_stateful_resources_are_protected(run):
    capture, _, _ = run
    stateful = [r for r in capture.custom() if r.type in STATEFUL_TYPES]
    assert stateful
    assert [(r.type, r.name) for r in stateful if r.protect is not True] == []


def test_stateful_resources_are_encrypted_with_the_kms_key(run):
    capture, site, _ = run
    key = one(capture, "aws:kms/key:Key" if site == "primary" else "aws:kms/replicaKey:ReplicaKey")
    arn, key_id = key.outputs["arn"], key.outputs["keyId"]
    assert capture.exports["kmsKeyArn"] == arn
    if site == "primary":
        assert key.inputs["multiRegion"] is True and key.inputs["enableKeyRotation"] is True
    checked = set()

    def check(type_: str, condition) -> None:
        for reg in capture.of_type(type_):
            assert condition(reg), f"{type_} {reg.name} is not encrypted with {arn}: {reg.inputs}"
            checked.add(type_)

    check("aws:kms/key:Key", lambda r: True)
    check("aws:kms/replicaKey:ReplicaKey", lambda r: r.inputs["primaryKeyArn"].endswith(key_id))
    check("aws:rds/cluster:Cluster", lambda r: r.inputs["storageEncrypted"] is True and r.inputs["kmsKeyId"] == arn)
    clusters = {c.id: c for c in capture.of_type("aws:rds/cluster:Cluster")}
    check(
        "aws:rds/clusterInstance:ClusterInstance",
        lambda r: clusters[r.inputs["clusterIdentifier"]].inputs["storageEncrypted"] is True
        and r.inputs["performanceInsightsKmsKeyId"] == arn,
    )
    check("aws:rds/globalCluster:GlobalCluster", lambda r: r.inputs["storageEncrypted"] is True)
    sse = {s.inputs["bucket"]: s for s in capture.of_type("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")}
    check(
        "aws:s3/bucket:Bucket",
        lambda r: dig(sse[r.id].inputs, "rules", 0, "applyServerSideEncryptionByDefault")
        == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": arn},
    )
    check(
        "aws:elasticache/replicationGroup:ReplicationGroup",
        lambda r: r.inputs["atRestEncryptionEnabled"] is True and r.inputs["transitEncryptionEnabled"] is True and r.inputs["kmsKeyId"] == arn,
    )
    groups = {g.id: g for g in capture.of_type("aws:elasticache/replicationGroup:ReplicationGroup")}
    check(
        "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
        lambda r: groups[r.inputs["primaryReplicationGroupId"]].inputs["kmsKeyId"] == arn,
    )
    check(
        "aws:mq/broker:Broker",
        lambda r: r.inputs["encryptionOptions"] == {"kmsKeyId": arn, "useAwsOwnedKey": False},
    )
    # Secrets name the multi-Region key by id: the same `mrk-` id decrypts the replica.
    check(
        "aws:secretsmanager/secret:Secret",
        lambda r: r.inputs["kmsKeyId"] == key_id and all(rep["kmsKeyId"] == key_id for rep in r.inputs.get("replicas", [])),
    )
    check("aws:backup/vault:Vault", lambda r: r.inputs["kmsKeyArn"] == arn)
    assert checked == {t for t in STATEFUL_TYPES if capture.of_type(t)}


def test_the_replica_key_replicates_the_primary_key(topology):
    primary_key = one(topology.primary, "aws:kms/key:Key")
    replica = one(topology.dr, "aws:kms/replicaKey:ReplicaKey")
    assert replica.inputs["primaryKeyArn"] == primary_key.outputs["arn"]
    assert replica.outputs["keyId"] == primary_key.outputs["keyId"]


def test_stateful_safety_settings(run):
    capture, _, _ = run
    for cluster in capture.of_type("aws:rds/cluster:Cluster"):
        i = cluster.inputs
        assert i["deletionProtection"] is True and i["skipFinalSnapshot"] is False and i["finalSnapshotIdentifier"]
        assert i["backupRetentionPeriod"] >= 7 and i["copyTagsToSnapshot"] is True
    for instance in capture.of_type("aws:rds/clusterInstance:ClusterInstance"):
        assert instance.inputs["publiclyAccessible"] is False, instance.name
    for gc in capture.of_type("aws:rds/globalCluster:GlobalCluster"):
        assert gc.inputs["deletionProtection"] is True
    for bucket in capture.of_type("aws:s3/bucket:Bucket"):
        assert bucket.inputs["forceDestroy"] is False
    (block,) = capture.of_type("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(block.inputs[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    (versioning,) = capture.of_type("aws:s3/bucketVersioning:BucketVersioning")
    assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled"
    assert one(capture, "aws:mq/broker:Broker").inputs["publiclyAccessible"] is False
    assert one(capture, "aws:eks/cluster:Cluster").inputs["deletionProtection"] is True


# ---------------------------------------------------------------------------------------
# The database across stacks
# ---------------------------------------------------------------------------------------


def test_primary_cluster_owns_the_global_database(topology):
    capture = topology.primary
    gc = one(capture, "aws:rds/globalCluster:GlobalCluster")
    cluster = one(capture, "aws:rds/cluster:Cluster")
    assert cluster.inputs["globalClusterIdentifier"] == gc.id == capture.exports["globalClusterId"]
    assert cluster.inputs["masterUsername"] == "dtem_admin"
    # RDS refuses managed master passwords in a global database: the password is the secret.
    assert cluster.inputs["masterPassword"] == SECRET_MARK
    assert "manageMasterUserPassword" not in cluster.inputs
    assert gc.inputs["engine"] == cluster.inputs["engine"] == "aurora-postgresql"


def test_dr_cluster_is_a_secondary_without_credentials(topology):
    cluster = one(topology.dr, "aws:rds/cluster:Cluster")
    assert cluster.inputs["globalClusterIdentifier"] == topology.first_pass.exports["globalClusterId"]
    for credential in ("masterUsername", "masterPassword", "manageMasterUserPassword", "databaseName"):
        assert credential not in cluster.inputs, credential
    # Without it, a later `up` would promote the secondary by accident (design §4.5).
    assert "replicationSourceIdentifier" in cluster.ignore_changes


def test_only_the_dr_cluster_ignores_replication_source(topology):
    assert one(topology.primary, "aws:rds/cluster:Cluster").ignore_changes == []


def test_ignore_changes_name_real_inputs(run):
    """A misspelt ignoreChanges path is silently ignored by the engine: check each one
    against the installed SDK's input names."""
    capture, _, _ = run
    for reg in _cloud(capture):
        for path in reg.ignore_changes:
            assert path.split(".")[0].split("[")[0] in input_names(reg.type), f"{reg.type} {reg.name}: {path}"


# ---------------------------------------------------------------------------------------
# Tags: component and site on everything that takes them
# ---------------------------------------------------------------------------------------


def test_every_taggable_resource_carries_component_and_site(run):
    capture, site, _ = run
    problems = []
    for reg in _cloud(capture):
        component = COMPONENT_TAG[reg.component]
        if reg.type.startswith("kubernetes:"):
            labels = dig(reg.inputs, "metadata", "labels") or {}
            want = {"dtem.example.cl/component": component, "dtem.example.cl/site": site}
            if {k: labels.get(k) for k in want} != want:
                problems.append((reg.type, reg.name, labels))
        elif takes_tags(reg.type):
            tags = reg.inputs.get("tags") or {}
            if (tags.get("dtem:component"), tags.get("dtem:site")) != (component, site):
                problems.append((reg.type, reg.name, tags))
    assert problems == []


def test_untagged_types_really_take_no_tags(run):
    """The check above skips types without `tags`: make sure that list is what the SDK says."""
    capture, _, _ = run
    untagged = sorted({r.type for r in capture.custom() if r.type.startswith("aws:") and not takes_tags(r.type)})
    assert set(untagged) <= {
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:backup/selection:Selection",
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        "aws:secretsmanager/secretVersion:SecretVersion",
        "aws:route53/record:Record",
        "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
        "aws:ecr/replicationConfiguration:ReplicationConfiguration",
    }
    for type_ in untagged:
        assert sdk_class(type_)  # resolvable: the check is not skipping by accident


# ---------------------------------------------------------------------------------------
# Workloads
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stack", "replicas"),
    [("primary", {"api-gateway": 5, "dte-service": 10, "web-frontend": 3}), ("dr", {"api-gateway": 1, "dte-service": 1, "web-frontend": 1})],
)
def test_replicas_follow_the_role(topology, stack, replicas):
    deployments = topology[stack].of_type("kubernetes:apps/v1:Deployment")
    assert {d.inputs["metadata"]["name"]: d.inputs["spec"]["replicas"] for d in deployments} == replicas


def test_node_groups_follow_the_role(topology):
    sizes = {
        stack: {g.inputs["scalingConfig"]["desiredSize"] for g in topology[stack].of_type("aws:eks/nodeGroup:NodeGroup")}
        for stack in ("primary", "dr")
    }
    assert sizes == {"primary": {2}, "dr": {1}}


def test_probes_spread_and_budgets(run):
    capture, _, _ = run
    for deployment in capture.of_type("kubernetes:apps/v1:Deployment"):
        pod = deployment.inputs["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/health"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health"
        assert container["resources"]["requests"].keys() == {"cpu", "memory"}
        (spread,) = pod["topologySpreadConstraints"]
        assert spread["topologyKey"] == "topology.kubernetes.io/zone"
    budgets = {b.inputs["metadata"]["name"] for b in capture.of_type("kubernetes:policy/v1:PodDisruptionBudget")}
    assert budgets == {"api-gateway", "dte-service", "web-frontend"}


# ---------------------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------------------

COMMON_EXPORTS = {
    "site", "region", "role", "availabilityZones", "kmsKeyArn", "kmsKeyId", "vpcId", "eksClusterName", "eksEndpoint",
    "dbClusterArn", "dbClusterIdentifier", "dbEndpoint", "dbReaderEndpoint", "bucketName", "bucketArn",
    "backupVaultArn", "brokerArn", "brokerId", "publicEndpoints", "cacheReplicationGroupId", "cacheEndpoint",
}  # fmt: skip
PRIMARY_EXPORTS = COMMON_EXPORTS | {"globalClusterId", "globalReplicationGroupId", "secretArns", "healthCheckIds"}


def test_exports(run):
    capture, site, region = run
    exports = capture.exports
    assert set(exports) == (PRIMARY_EXPORTS if site == "primary" else COMMON_EXPORTS)
    assert (exports["site"], exports["region"]) == (site, region)
    unknown = [k for k, v in exports.items() if v in (None, "", COMPUTED_MARK)]
    assert unknown == []
    assert set(exports["publicEndpoints"]) == {"api-gateway", "web-frontend"}


def test_dr_reads_what_the_primary_exports(topology):
    """Everything the dr stack requires from the primary comes out of its first pass."""
    first = topology.first_pass.exports
    dr = topology.dr
    assert one(dr, "aws:elasticache/replicationGroup:ReplicationGroup").inputs["globalReplicationGroupId"] == first["globalReplicationGroupId"]
    broker = one(dr, "aws:mq/broker:Broker").inputs
    assert (broker["dataReplicationMode"], broker["dataReplicationPrimaryBrokerArn"]) == ("CRDR", first["brokerArn"])


# ---------------------------------------------------------------------------------------
# First pass (peerWired=false) and the wired state
# ---------------------------------------------------------------------------------------


def test_first_pass_leaves_out_what_needs_the_dr_stack(topology):
    first = topology.first_pass
    assert first.of_type("aws:s3/bucketReplicationConfig:BucketReplicationConfig") == []
    assert one(first, "aws:backup/plan:Plan").inputs["rules"][0].get("copyActions", []) == []
    assert sorted(r.name for r in first.of_type("aws:route53/record:Record")) == ["traffic-api-primary", "traffic-app-primary"]
    assert {dig(r.inputs, "failoverRoutingPolicies", 0, "type") for r in first.of_type("aws:route53/record:Record")} == {"PRIMARY"}
    assert all(s.inputs.get("replicas", []) == [] for s in first.of_type("aws:secretsmanager/secret:Secret"))
    assert first.warnings() == [
        "[dtem-dr:peer:not-wired] first pass: replication to us-west-2, backup copies and the SECONDARY records are left "
        "out; after `pulumi up --stack dr`, remove peerWired and run `pulumi up --stack primary` again"
    ]


def test_wired_primary_replicates_to_dr(topology):
    primary, dr = topology.primary, topology.dr
    rule = one(primary, "aws:s3/bucketReplicationConfig:BucketReplicationConfig").inputs["rules"][0]
    dest = rule["destination"]
    assert dest["bucket"] == dr.exports["bucketArn"]
    assert dest["encryptionConfiguration"]["replicaKmsKeyId"] == dr.exports["kmsKeyArn"]
    assert dest["replicationTime"] == {"status": "Enabled", "time": {"minutes": 15}}
    assert dest["metrics"] == {"status": "Enabled", "eventThreshold": {"minutes": 15}}
    assert rule["deleteMarkerReplication"]["status"] == "Enabled"
    assert rule["sourceSelectionCriteria"]["replicaModifications"]["status"] == "Enabled"
    copy = one(primary, "aws:backup/plan:Plan").inputs["rules"][0]["copyActions"]
    assert [c["destinationVaultArn"] for c in copy] == [dr.exports["backupVaultArn"]]
    secrets = primary.of_type("aws:secretsmanager/secret:Secret")
    assert {r["region"] for s in secrets for r in s.inputs["replicas"]} == {DR}
    assert primary.warnings() == []


def test_dr_replicates_back_to_primary_for_failback(topology):
    first, dr = topology.first_pass, topology.dr
    dest = one(dr, "aws:s3/bucketReplicationConfig:BucketReplicationConfig").inputs["rules"][0]["destination"]
    assert dest["bucket"] == first.exports["bucketArn"]
    copy = one(dr, "aws:backup/plan:Plan").inputs["rules"][0]["copyActions"]
    assert [c["destinationVaultArn"] for c in copy] == [first.exports["backupVaultArn"]]


def test_replication_role_is_limited_to_the_two_buckets_and_keys(topology):
    import json

    primary, dr = topology.primary, topology.dr
    policy = json.loads(one(primary, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    resources = {r for s in policy["Statement"] for r in s["Resource"]}
    own, peer = primary.exports["bucketArn"], dr.exports["bucketArn"]
    assert resources == {own, f"{own}/*", f"{peer}/*", primary.exports["kmsKeyArn"], dr.exports["kmsKeyArn"]}
    assert all("*" not in a for s in policy["Statement"] for a in s["Action"])


def test_wired_traffic_has_failover_pairs(topology):
    primary, dr = topology.primary, topology.dr
    records = primary.of_type("aws:route53/record:Record")
    pairs = {(r.inputs["name"], dig(r.inputs, "failoverRoutingPolicies", 0, "type")): r for r in records}
    assert sorted(pairs) == [
        ("api.dtem.example.cl", "PRIMARY"),
        ("api.dtem.example.cl", "SECONDARY"),
        ("app.dtem.example.cl", "PRIMARY"),
        ("app.dtem.example.cl", "SECONDARY"),
    ]
    service = {"api": "api-gateway", "app": "web-frontend"}
    checks = {c.id: c for c in primary.of_type("aws:route53/healthCheck:HealthCheck")}
    for (fqdn, kind), record in pairs.items():
        endpoints = (primary if kind == "PRIMARY" else dr).exports["publicEndpoints"]
        host = endpoints[service[fqdn.split(".")[0]]]
        assert record.inputs["records"] == [host]
        check = checks[record.inputs["healthCheckId"]]
        assert (check.inputs["fqdn"], check.inputs["resourcePath"], check.inputs["requestInterval"], check.inputs["failureThreshold"]) == (
            host,
            "/health",
            10,
            3,
        )


# ---------------------------------------------------------------------------------------
# A missing peer is a message, not a crash
# ---------------------------------------------------------------------------------------


def test_missing_peer_output_is_a_clear_error(project_dir, topology):
    outputs = {k: v for k, v in topology.first_pass.exports.items() if k != "globalClusterId"}
    with pytest.raises(EngineError) as err:
        run_stack(project_dir, "dr", peer_outputs=outputs)
    assert str(err.value) == (
        "stack 'dr' needs output 'globalClusterId' of stack 'organization/dtem-dr/primary', which has none: deploy in "
        "order -- `pulumi up --stack primary` (first pass, peerWired=false), `pulumi up --stack dr`, then `pulumi up "
        "--stack primary` (see README, 'First deployment')"
    )


# ---------------------------------------------------------------------------------------
# Changing a strategy is a config change (README, "Changing a strategy")
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rebuild_pilot_light(project_dir):
    """cache: rebuild, workloads: pilot-light -- the primary's first pass, then dr."""
    import json

    from drctl.stackconfig import load_raw_config

    topo = json.loads(load_raw_config(project_dir, "primary").values["dtem-dr:topology"])
    topo["cache"]["strategy"] = "rebuild"
    topo["workloads"]["strategy"] = "pilot-light"
    for service in topo["workloads"]["services"].values():
        service["replicas"]["standby"] = 0
    over = {"dtem-dr:topology": topo}
    first = run_stack(project_dir, "primary", overrides={**over, "dtem-dr:peerWired": "false"})
    dr = run_stack(project_dir, "dr", overrides=over, peer_outputs=first.exports)
    return first, dr


def test_rebuild_strategy_has_no_global_datastore_and_no_standby_cache(rebuild_pilot_light):
    first, dr = rebuild_pilot_light
    assert first.of_type("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup") == []
    assert len(first.of_type("aws:elasticache/replicationGroup:ReplicationGroup")) == 1
    assert "globalReplicationGroupId" not in first.exports
    assert [r for r in dr.custom() if r.component == "cache"] == []
    assert "cacheEndpoint" not in dr.exports
    cm = one(dr, "kubernetes:core/v1:ConfigMap")
    assert "DTEM_CACHE_ENDPOINT" not in cm.inputs["data"]


def test_pilot_light_runs_no_standby_pod(rebuild_pilot_light):
    _, dr = rebuild_pilot_light
    assert {d.inputs["spec"]["replicas"] for d in dr.of_type("kubernetes:apps/v1:Deployment")} == {0}


def test_strategy_change_keeps_every_other_stateful_urn(topology, rebuild_pilot_light):
    first, dr = rebuild_pilot_light
    cache = ("aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup")

    def urns(capture):
        return sorted(r.urn for r in capture.custom() if r.type in STATEFUL_TYPES and r.type not in cache)

    assert urns(first) == urns(topology.first_pass)
    assert urns(dr) == urns(topology.dr)
