"""components/keys.py: the multi-Region key (primary site) and its replica (dr site)."""

from __future__ import annotations

import pytest

from components.keys import RegionalKey, RegionalKeyArgs
from tests.components.harness import KEY_ARN, build
from tests.support import one


def _key(primary_key_arn=None, **extra):
    def make(place, opts):
        key = RegionalKey("key", RegionalKeyArgs(placement=place, primary_key_arn=primary_key_arn, **extra), opts=opts)
        return {"arn": key.key_arn, "id": key.key_id}

    return make


def test_primary_site_owns_a_multi_region_key():
    cap = build(_key(), site="primary")
    key = one(cap, "aws:kms/key:Key")
    assert (key.inputs["multiRegion"], key.inputs["enableKeyRotation"], key.inputs["deletionWindowInDays"]) == (True, True, 30)
    assert key.protect is True and key.region == "us-east-1"
    assert cap.exports["arn"].startswith("arn:aws:kms:us-east-1:") and cap.exports["id"].startswith("mrk-")
    assert cap.of_type("aws:kms/replicaKey:ReplicaKey") == []


def test_dr_site_replicates_the_primary_key():
    cap = build(_key(KEY_ARN["primary"], deletion_window_days=7), site="dr")
    replica = one(cap, "aws:kms/replicaKey:ReplicaKey")
    assert replica.inputs["primaryKeyArn"] == KEY_ARN["primary"]
    assert replica.inputs["deletionWindowInDays"] == 7
    assert replica.protect is True and replica.region == "us-west-2"
    # A replica shares the primary's key id: what was encrypted there decrypts here.
    assert cap.exports["id"] == KEY_ARN["primary"].rsplit("/", 1)[1]
    assert cap.of_type("aws:kms/key:Key") == []


def test_dr_site_without_the_primary_key_is_refused():
    with pytest.raises(ValueError, match="RegionalKey on the dr site needs primary_key_arn"):
        build(_key(None), site="dr")
