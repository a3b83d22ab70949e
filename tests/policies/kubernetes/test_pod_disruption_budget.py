from tests.policies.conftest import UNKNOWN, editable, find, messages, not_applicable

POLICY = "k8s-pod-disruption-budget"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"


def test_every_shipped_deployment_has_a_budget(pack_primary, pack_dr, topology):
    for pack, capture in ((pack_primary, topology.primary), (pack_dr, topology.dr)):
        analysis = pack.stack_of(editable(capture))
        assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []


def test_a_missing_budget(pack_primary, topology):
    items = [i for i in editable(topology.primary) if not (i.type == PDB and i.name == "workloads-dte-service-pdb")]
    assert messages(pack_primary.stack_of(items), POLICY) == [
        "Deployment `dtem/dte-service` must have a PodDisruptionBudget selecting its pods; got none in namespace dtem"
    ]


def test_a_budget_that_selects_other_pods(pack_primary, topology):
    items = editable(topology.primary)
    pdb = find(items, PDB, "workloads-api-gateway-pdb")
    pdb.properties["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] = "api-gatewey"
    assert messages(pack_primary.stack_of(items), POLICY) == [
        "Deployment `dtem/api-gateway` must have a PodDisruptionBudget selecting its pods; got none in namespace dtem"
    ]


def test_a_budget_in_another_namespace(pack_primary, topology):
    items = editable(topology.primary)
    find(items, PDB, "workloads-web-frontend-pdb").properties["metadata"]["namespace"] = "default"
    assert messages(pack_primary.stack_of(items), POLICY) == [
        "Deployment `dtem/web-frontend` must have a PodDisruptionBudget selecting its pods; got none in namespace dtem"
    ]


def test_unknown_pod_labels_during_preview_are_skipped(pack_primary, topology):
    items = editable(topology.primary)
    find(items, DEPLOYMENT, "workloads-api-gateway").properties["spec"]["template"]["metadata"]["labels"] = UNKNOWN
    analysis = pack_primary.stack_of(items)
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == []


def test_a_stack_without_deployments(pack_primary):
    analysis = pack_primary.stack_of([pack_primary.item("aws:s3/bucket:Bucket", {"bucket": "b"})])
    assert not_applicable(analysis, POLICY) == ["no Deployment in this stack"]
