"""components/promotions/aurora_failover.py: SwitchoverGlobalCluster / FailoverGlobalCluster.

The live state (DescribeGlobalClusters, members and their writer flag) comes from moto's
server, which implements it. The promotion calls do not exist in moto 5.2.5
(switchover_global_cluster and failover_global_cluster answer HTTP 500), so the tests that
promote use botocore's Stubber and assert the exact requests.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest
from pulumi.dynamic.dynamic import serialize_provider

from components.promotions.aurora_failover import AuroraFailoverProvider
from components.promotions.base import PromotionError

from .fakes import DR, PRIMARY, moto_client, moto_factory, refusing_factory, stubbed

GLOBAL = "dtem-global"
DR_ARN = f"arn:aws:rds:{DR}:123456789012:cluster:dtem-db-{DR}"
PRIMARY_ARN = f"arn:aws:rds:{PRIMARY}:123456789012:cluster:dtem-db-{PRIMARY}"


def props(**over):
    base = {
        "region": DR,
        "promote": True,
        "mode": "switchover",
        "globalClusterIdentifier": GLOBAL,
        "clusterArn": DR_ARN,
        "timeoutSeconds": 1800,
    }
    return {**base, **over}


def global_cluster(writer: str, *, failover=None, status="available"):
    gc = {
        "GlobalClusterIdentifier": GLOBAL,
        "Status": status,
        "GlobalClusterMembers": [
            {"DBClusterArn": PRIMARY_ARN, "IsWriter": writer == PRIMARY_ARN, "Readers": []},
            {"DBClusterArn": DR_ARN, "IsWriter": writer == DR_ARN, "Readers": []},
        ],
    }
    if failover:
        gc["FailoverState"] = failover
    return {"GlobalClusters": [gc]}


DESCRIBE = {"GlobalClusterIdentifier": GLOBAL}


# ---------------------------------------------------------------------------------------
# moto: the live state
# ---------------------------------------------------------------------------------------


def _world(endpoint: str, writer_region: str) -> tuple[str, str]:
    """A global cluster with a member in each region; the first one created is the writer."""
    order = [writer_region, DR if writer_region == PRIMARY else PRIMARY]
    arns = {}
    moto_client(endpoint, "rds", order[0]).create_global_cluster(
        GlobalClusterIdentifier=GLOBAL, Engine="aurora-postgresql", EngineVersion="16.6"
    )
    for i, region in enumerate(order):
        extra = {"MasterUsername": "dtem_admin", "MasterUserPassword": "not-a-secret-1"} if i == 0 else {}
        cluster = moto_client(endpoint, "rds", region).create_db_cluster(
            DBClusterIdentifier=f"dtem-db-{region}",
            Engine="aurora-postgresql",
            EngineVersion="16.6",
            GlobalClusterIdentifier=GLOBAL,
            **extra,
        )["DBCluster"]
        arns[region] = cluster["DBClusterArn"]
    return arns[PRIMARY], arns[DR]


def test_standby_create_describes_in_its_own_region_only(moto):
    primary_arn, dr_arn = _world(moto, writer_region=PRIMARY)
    factory = moto_factory(moto)
    result = AuroraFailoverProvider(factory).create(props(promote=False, clusterArn=dr_arn))
    assert result.outs["action"] == "none: standby"
    assert result.outs["writer"] == primary_arn
    assert result.id == f"{GLOBAL}/{dr_arn}"
    assert factory.asked == [("rds", DR)]


def test_already_the_writer_is_not_failed_over_again(moto):
    # moto answers switchover_global_cluster with HTTP 500: if the provider called it, the
    # test would fail. Create and a repeated update both only describe.
    _, dr_arn = _world(moto, writer_region=DR)
    provider = AuroraFailoverProvider(moto_factory(moto))
    created = provider.create(props(clusterArn=dr_arn))
    again = provider.update(created.id, created.outs, props(clusterArn=dr_arn))
    assert created.outs["action"] == again.outs["action"] == "none: already the writer"
    assert again.outs["writer"] == dr_arn


def test_standby_is_refused_while_this_cluster_still_is_the_writer(moto):
    _, dr_arn = _world(moto, writer_region=DR)
    with pytest.raises(PromotionError) as err:
        AuroraFailoverProvider(moto_factory(moto)).update("id", props(clusterArn=dr_arn), props(promote=False, clusterArn=dr_arn))
    assert str(err.value) == (
        f"Aurora global database failover: cluster {dr_arn} still is the writer of 'dtem-global'; set the other "
        "site's stack to role active and run `pulumi up` there first (it switches the writer over), then set this "
        "stack to standby (timeout of a promotion: 30m)"
    )


def test_a_detached_cluster_is_not_a_member(moto):
    _world(moto, writer_region=PRIMARY)
    lone = moto_client(moto, "rds", DR).create_db_cluster(
        DBClusterIdentifier="dtem-db-alone", Engine="aurora-postgresql", MasterUsername="a", MasterUserPassword="not-a-secret-1"
    )["DBCluster"]["DBClusterArn"]
    with pytest.raises(PromotionError, match=r"is not a member of global cluster 'dtem-global' \(members: .*\); a detached cluster is already a standalone writer"):
        AuroraFailoverProvider(moto_factory(moto)).create(props(clusterArn=lone))


def test_a_missing_global_cluster_is_named(moto):
    with pytest.raises(PromotionError) as err:
        AuroraFailoverProvider(moto_factory(moto)).create(props())
    assert str(err.value).startswith(
        "Aurora global database failover: global cluster 'dtem-global' does not exist (seen from us-west-2)"
    )


# ---------------------------------------------------------------------------------------
# Stubber: the promotion calls (not implemented by moto 5.2.5)
# ---------------------------------------------------------------------------------------


def test_switchover_request_then_polls_until_this_cluster_is_the_writer(clock):
    # Stubber, not moto: moto 5.2.5 has no switchover_global_cluster.
    s = stubbed("rds")
    s.stubber.add_response("describe_global_clusters", global_cluster(PRIMARY_ARN), DESCRIBE)
    s.stubber.add_response(
        "switchover_global_cluster",
        {"GlobalCluster": {"GlobalClusterIdentifier": GLOBAL}},
        {"GlobalClusterIdentifier": GLOBAL, "TargetDbClusterIdentifier": DR_ARN},
    )
    pending = {"Status": "failing-over", "FromDbClusterArn": PRIMARY_ARN, "ToDbClusterArn": DR_ARN}
    s.stubber.add_response("describe_global_clusters", global_cluster(PRIMARY_ARN, failover=pending, status="modifying"), DESCRIBE)
    s.stubber.add_response("describe_global_clusters", global_cluster(DR_ARN), DESCRIBE)
    provider = AuroraFailoverProvider(s.factory, poll_seconds=15, sleep=clock.sleep, clock=clock)
    result = provider.create(props())
    s.stubber.assert_no_pending_responses()
    assert result.outs == {**props(), "writer": DR_ARN, "action": "SwitchoverGlobalCluster"}
    assert clock.sleeps == [15]
    assert s.factory.asked == [("rds", DR)]


def test_failover_with_allow_data_loss_when_the_writer_region_is_gone(clock):
    # Stubber, not moto: moto 5.2.5 has no failover_global_cluster.
    s = stubbed("rds")
    s.stubber.add_response("describe_global_clusters", global_cluster(PRIMARY_ARN), DESCRIBE)
    s.stubber.add_response(
        "failover_global_cluster",
        {"GlobalCluster": {"GlobalClusterIdentifier": GLOBAL}},
        {"GlobalClusterIdentifier": GLOBAL, "TargetDbClusterIdentifier": DR_ARN, "AllowDataLoss": True},
    )
    s.stubber.add_response("describe_global_clusters", global_cluster(DR_ARN), DESCRIBE)
    result = AuroraFailoverProvider(s.factory, sleep=clock.sleep, clock=clock).update("id", props(promote=False), props(mode="failover"))
    s.stubber.assert_no_pending_responses()
    assert result.outs["action"] == "FailoverGlobalCluster(AllowDataLoss)"
    assert clock.sleeps == []


def test_a_failover_already_running_to_this_cluster_is_awaited_not_repeated(clock):
    # Stubber, not moto: moto cannot represent a global cluster's FailoverState.
    s = stubbed("rds")
    pending = {"Status": "pending", "FromDbClusterArn": PRIMARY_ARN, "ToDbClusterArn": DR_ARN, "IsDataLossAllowed": True}
    s.stubber.add_response("describe_global_clusters", global_cluster(PRIMARY_ARN, failover=pending), DESCRIBE)
    s.stubber.add_response("describe_global_clusters", global_cluster(DR_ARN), DESCRIBE)
    result = AuroraFailoverProvider(s.factory, sleep=clock.sleep, clock=clock).create(props(mode="failover"))
    s.stubber.assert_no_pending_responses()
    assert result.outs["action"] == "none: a failover to this cluster was already in progress"


def test_a_failover_to_another_cluster_is_refused():
    # Stubber, not moto: moto cannot represent a global cluster's FailoverState.
    s = stubbed("rds")
    other = "arn:aws:rds:eu-west-1:123456789012:cluster:other"
    pending = {"Status": "failing-over", "FromDbClusterArn": PRIMARY_ARN, "ToDbClusterArn": other}
    s.stubber.add_response("describe_global_clusters", global_cluster(PRIMARY_ARN, failover=pending), DESCRIBE)
    with pytest.raises(PromotionError, match=f"already failing over to {other}; wait for it to finish"):
        AuroraFailoverProvider(s.factory).create(props())


def test_a_refused_switchover_says_to_allow_data_loss():
    # Stubber, not moto: moto 5.2.5 has no switchover_global_cluster.
    s = stubbed("rds")
    s.stubber.add_response("describe_global_clusters", global_cluster(PRIMARY_ARN), DESCRIBE)
    s.stubber.add_client_error(
        "switchover_global_cluster",
        service_error_code="InvalidGlobalClusterStateFault",
        service_message="The primary cluster is not available",
        expected_params={"GlobalClusterIdentifier": GLOBAL, "TargetDbClusterIdentifier": DR_ARN},
    )
    with pytest.raises(PromotionError) as err:
        AuroraFailoverProvider(s.factory).create(props())
    assert str(err.value) == (
        f"Aurora global database failover: switchover of 'dtem-global' to {DR_ARN} was refused: "
        "InvalidGlobalClusterStateFault: The primary cluster is not available. A switchover needs both regions "
        "healthy; if the writer's region is unreachable, set allowDataLoss true on this stack and run `pulumi up` again."
    )


def test_timeout_names_what_was_awaited_and_the_way_out(clock):
    # Stubber, not moto: moto 5.2.5 has no switchover_global_cluster.
    s = stubbed("rds")
    s.stubber.add_response("describe_global_clusters", global_cluster(PRIMARY_ARN), DESCRIBE)
    s.stubber.add_response(
        "switchover_global_cluster",
        {"GlobalCluster": {"GlobalClusterIdentifier": GLOBAL}},
        {"GlobalClusterIdentifier": GLOBAL, "TargetDbClusterIdentifier": DR_ARN},
    )
    for _ in range(3):
        s.stubber.add_response("describe_global_clusters", global_cluster(PRIMARY_ARN), DESCRIBE)
    provider = AuroraFailoverProvider(s.factory, poll_seconds=30, sleep=clock.sleep, clock=clock)
    with pytest.raises(PromotionError) as err:
        provider.create(props(timeoutSeconds=60))
    s.stubber.assert_no_pending_responses()
    assert str(err.value) == (
        f"Aurora global database failover (switchover of 'dtem-global' to {DR_ARN}): not finished after 1m (last "
        f"status: global cluster available, failover none, writer {PRIMARY_ARN}). The promotion may still complete "
        "in AWS; running `pulumi up` again looks at the live state first and does not repeat it. If the writer's "
        "region is unreachable and mode is switchover, set allowDataLoss true and run `pulumi up` again; otherwise "
        "look at the global cluster's events in us-west-2."
    )


# ---------------------------------------------------------------------------------------
# No AWS at all: diff, check, delete, the region guard, serialization
# ---------------------------------------------------------------------------------------


def test_diff_compares_inputs_only_and_never_replaces():
    provider = AuroraFailoverProvider(refusing_factory)
    olds = {**props(promote=False), "writer": PRIMARY_ARN, "action": "none: standby", "__provider": "old"}
    flip = provider.diff("id", olds, {**props(), "__provider": "new"})
    assert (flip.changes, flip.replaces, flip.delete_before_replace) == (True, [], False)
    assert "promote" not in flip.stables and "clusterArn" in flip.stables
    same = provider.diff("id", {**props(), "writer": DR_ARN, "action": "x"}, props())
    assert same.changes is False


def test_delete_calls_nothing():
    assert AuroraFailoverProvider(refusing_factory).delete("id", props()) is None


def test_check_refuses_a_cluster_in_another_region_and_a_bad_mode():
    result = AuroraFailoverProvider(refusing_factory).check({}, props(clusterArn=PRIMARY_ARN, mode="detach"))
    assert [(f.property, f.reason) for f in result.failures] == [
        ("mode", "Aurora global database failover: `mode` must be one of switchover, failover; got 'detach'"),
        (
            "clusterArn",
            "Aurora global database failover: `clusterArn` is in us-east-1, but this stack's region is us-west-2; a "
            "promotion only acts on this region's own member (it never calls another region's API)",
        ),
    ]


def test_a_target_in_another_region_is_refused_before_any_client_exists():
    with pytest.raises(PromotionError, match="is in us-east-1, not in this stack's region us-west-2; refusing to act"):
        AuroraFailoverProvider(refusing_factory).create(props(clusterArn=PRIMARY_ARN))


def test_the_provider_pickles_by_reference_and_loads_in_a_fresh_interpreter(project_dir):
    """Pulumi serializes the provider with dill into the state and loads it in its dynamic
    provider process (run from the project directory): only importable classes and plain
    values may be inside."""
    blob = serialize_provider(AuroraFailoverProvider())
    assert b"components.promotions.aurora_failover" in base64.b64decode(blob)
    code = (
        "import base64, dill, json, sys; p = dill.loads(base64.b64decode(sys.stdin.read())); "
        "print(json.dumps([type(p).__module__, type(p).__name__, p.client_factory, p.poll_seconds]))"
    )
    out = subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True, text=True, cwd=project_dir, check=True)
    assert json.loads(out.stdout) == ["components.promotions.aurora_failover", "AuroraFailoverProvider", None, None]
