import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable

POLICY = "aurora-not-publicly-accessible"
INSTANCE = "aws:rds/clusterInstance:ClusterInstance"


@pytest.mark.parametrize(
    "props, expected",
    [
        ({"identifier": "dtem-db-us-east-1a", "publiclyAccessible": False}, []),
        ({"identifier": "dtem-db-us-east-1a"}, []),
        (
            {"identifier": "dtem-db-us-east-1a", "publiclyAccessible": True},
            ["RDS instance `dtem-db-us-east-1a` must not be publicly accessible; got publiclyAccessible true"],
        ),
    ],
    ids=["private", "property-missing-defaults-private", "public"],
)
def test_messages(pack_primary, props, expected):
    assert messages(pack_primary.resource(INSTANCE, props), POLICY) == expected


def test_unknown_during_preview_is_skipped(pack_primary):
    analysis = pack_primary.resource(INSTANCE, {"publiclyAccessible": UNKNOWN})
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == ["`publiclyAccessible` is computed during preview; checked again when it is known"]


def test_other_types_are_not_looked_at(pack_primary):
    analysis = pack_primary.resource("aws:rds/cluster:Cluster", {"publiclyAccessible": True})
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
