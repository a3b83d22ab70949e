"""drctl.analyzer: the pack started as the Pulumi CLI starts it, and always stopped."""

from __future__ import annotations

import os

import pytest

from drctl.analyzer import PolicyPackError, PolicyPackProcess, ResourceInput


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_context_manager_starts_and_always_stops_the_pack(topology):
    with pytest.raises(RuntimeError, match="boom"):
        with PolicyPackProcess(config=topology.primary.config, stack="primary") as pack:
            pid = pack.process.pid
            assert pack.port and pack.info().name == "dtem-dr-resilience"
            raise RuntimeError("boom")
    assert pack.process is None and _gone(pid)


def test_the_pack_sees_the_cli_environment(topology):
    # The dr stack's config (PULUMI_CONFIG) decides what the role-dependent policies do.
    deployment = {"metadata": {"name": "web", "namespace": "dtem"}, "spec": {"replicas": 1}}
    item = ResourceInput(type="kubernetes:apps/v1:Deployment", name="web", urn="urn:pulumi:x::dtem-dr::kubernetes:apps/v1:Deployment::web", properties=deployment)
    with PolicyPackProcess(config=topology.dr.config, stack="dr") as pack:
        pack.configure(None)
        reasons = {n.policy: n.reason for n in pack.analyze(item).not_applicable}
    assert reasons["k8s-active-min-replicas"] == "standby region: k8s-standby-warm-replicas applies"


def test_a_pack_that_cannot_start_reports_its_stderr(tmp_path):
    (tmp_path / "__main__.py").write_text("raise SystemExit('the pack is broken: no policies')\n")
    with pytest.raises(PolicyPackError) as err:
        PolicyPackProcess(tmp_path, config={}).start()
    assert "the policy pack exited with code" in str(err.value)
    assert "the pack is broken: no policies" in str(err.value)


def test_calls_need_a_running_pack():
    with pytest.raises(PolicyPackError, match="not running"):
        PolicyPackProcess(config={}).info()
