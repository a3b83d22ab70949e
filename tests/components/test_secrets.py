"""components/secrets.py: Secrets Manager secrets replicated to dr; each region's endpoints."""

from __future__ import annotations

import pytest

from components.secrets import Secrets, SecretsArgs
from drctl.engine import SECRET_MARK
from tests.components.harness import KEY_ID, build
from tests.support import one

ENDPOINTS = {"DTEM_DB_ENDPOINT": "db.example", "DTEM_FILES_BUCKET": "dtem-files"}


def _secrets(values, replicate=True):
    def make(place, opts):
        import pulumi

        s = Secrets(
            "secrets",
            SecretsArgs(
                placement=place,
                key_id=KEY_ID,
                namespace="dtem",
                endpoints=ENDPOINTS,
                secret_values={k: pulumi.Output.secret(v) for k, v in values.items()},
                replicate=replicate,
                recovery_window_days=14,
            ),
            opts=opts,
        )
        return {"arns": s.secret_arns}

    return make


@pytest.mark.parametrize(("replicate", "replicas"), [(True, [{"region": "us-west-2", "kmsKeyId": KEY_ID}]), (False, [])])
def test_primary_secrets_replicate_to_dr(replicate, replicas):
    cap = build(_secrets({"app-database": '{"password": "x"}', "app-broker": '{"password": "y"}'}, replicate), kubernetes=True)
    secrets = sorted(cap.of_type("aws:secretsmanager/secret:Secret"), key=lambda s: s.name)
    assert [s.inputs["name"] for s in secrets] == ["dtem/app-broker", "dtem/app-database"]
    for secret in secrets:
        assert (secret.inputs["kmsKeyId"], secret.inputs["recoveryWindowInDays"], secret.protect) == (KEY_ID, 14, True)
        assert secret.inputs.get("replicas", []) == replicas
    versions = cap.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert {v.inputs["secretString"] for v in versions} == {SECRET_MARK}
    assert set(cap.exports["arns"]) == {"app-broker", "app-database"}


@pytest.mark.parametrize("site", ["primary", "dr"])
def test_config_map_points_at_this_regions_endpoints(site):
    cap = build(_secrets({} if site == "dr" else {"app-database": "{}"}), site=site, kubernetes=True)
    cm = one(cap, "kubernetes:core/v1:ConfigMap")
    region = {"primary": "us-east-1", "dr": "us-west-2"}[site]
    assert cm.inputs["data"] == {"AWS_REGION": region, "DTEM_SITE": site, "DTEM_SECRETS_PREFIX": "dtem/", **ENDPOINTS}
    assert cm.inputs["metadata"]["name"] == "dtem-endpoints" and cm.inputs["metadata"]["namespace"] == "dtem"


def test_dr_site_declares_no_secret():
    """The dr region's secrets are the primary's replicas, declared by the primary stack."""
    cap = build(_secrets({"ignored": "{}"}), site="dr", kubernetes=True)
    assert cap.of_type("aws:secretsmanager/secret:Secret") == []
    assert cap.exports["arns"] == {}
