import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable, with_config

POLICY = "secrets-cross-region-replica"
SECRET = "aws:secretsmanager/secret:Secret"


@pytest.mark.parametrize(
    "replicas, expected",
    [
        ([{"region": "us-west-2", "kmsKeyId": "mrk-1"}], []),
        ([], ["secret `dtem/app-database` must have a replica in us-west-2; got no replica"]),
        (None, ["secret `dtem/app-database` must have a replica in us-west-2; got no replica"]),
        ([{"region": "us-east-1"}], ["secret `dtem/app-database` must have a replica in us-west-2; got replicas in us-east-1 only (its own region)"]),
    ],
    ids=["replica-in-dr", "empty", "property-missing", "replica-in-own-region"],
)
def test_messages(pack_primary, replicas, expected):
    props = {"name": "dtem/app-database"}
    if replicas is not None:
        props["replicas"] = replicas
    assert messages(pack_primary.resource(SECRET, props), POLICY) == expected


def test_unknown_replica_region_during_preview_is_skipped(pack_primary):
    analysis = pack_primary.resource(SECRET, {"name": "dtem/app-database", "replicas": [{"region": UNKNOWN}]})
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["`replicas.region` is computed during preview; checked again when it is known"]


def test_first_deployment_is_not_applicable(packs, topology):
    pack = packs.get("primary", with_config(topology.primary.config, peerWired="false"))
    analysis = pack.resource(SECRET, {"name": "dtem/app-database", "replicas": []})
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["first deployment (peerWired: false): the dr key the replica needs does not exist yet"]


def test_other_types_are_not_looked_at(pack_primary):
    analysis = pack_primary.resource("aws:secretsmanager/secretVersion:SecretVersion", {"replicas": []})
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
