import pytest

from tests.policies.conftest import UNKNOWN, messages, not_applicable, with_config

POLICY = "backup-cross-region-copy"
PLAN = "aws:backup/plan:Plan"
DR_VAULT = "arn:aws:backup:us-west-2:123456789012:backup-vault:dtem-us-west-2"
OWN_VAULT = "arn:aws:backup:us-east-1:123456789012:backup-vault:dtem-us-east-1"


def _plan(*copies):
    return {
        "name": "dtem-us-east-1",
        "rules": [
            {
                "ruleName": "daily-cross-region",
                "schedule": "cron(0 5 ? * * *)",
                "copyActions": [{"destinationVaultArn": c} for c in copies],
            }
        ],
    }


PREFIX = "AWS Backup plan `dtem-us-east-1` rule `daily-cross-region` must copy recovery points to another region; got "


@pytest.mark.parametrize(
    "props, expected",
    [
        (_plan(DR_VAULT), []),
        (_plan(OWN_VAULT, DR_VAULT), []),
        (_plan(), [PREFIX + "no copy action"]),
        (_plan(OWN_VAULT), [PREFIX + f"a copy to `{OWN_VAULT}` in us-east-1 (its own region is us-east-1)"]),
        (
            {"name": "dtem-us-east-1", "rules": [{"ruleName": "daily-cross-region"}]},
            [PREFIX + "no copy action"],
        ),
    ],
    ids=["copy-to-dr", "copies-to-both", "no-copy", "copy-to-own-region", "property-missing"],
)
def test_messages(pack_primary, props, expected):
    assert messages(pack_primary.resource(PLAN, props), POLICY) == expected


def test_unknown_vault_during_preview_is_skipped(pack_primary):
    analysis = pack_primary.resource(PLAN, _plan(UNKNOWN))
    assert messages(analysis, POLICY) == []
    assert not_applicable(analysis, POLICY) == [
        "`rules.copyActions.destinationVaultArn` is computed during preview; checked again when it is known"
    ]


def test_first_deployment_is_not_applicable(packs, topology):
    pack = packs.get("primary", with_config(topology.primary.config, peerWired="false"))
    analysis = pack.resource(PLAN, _plan())
    assert not_applicable(analysis, POLICY) == ["first deployment (peerWired: false): the dr vault does not exist yet"]


def test_other_types_are_not_looked_at(pack_primary):
    analysis = pack_primary.resource("aws:backup/vault:Vault", _plan())
    assert messages(analysis, POLICY) == [] and not_applicable(analysis, POLICY) == []
