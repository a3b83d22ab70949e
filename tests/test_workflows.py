"""The GitHub workflows: valid for real linters, and shaped the way the design needs.

Linters (pinned in requirements-dev.txt, binaries shipped in the wheels): actionlint (with
shellcheck on every `run:` script) and check-jsonschema's vendored GitHub workflow schema.
Nothing here may touch the network: the proxies point at a closed local port, so a linter
that tried would fail the test instead of passing by luck.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
NO_NETWORK = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "no_proxy": "",
}


def tool(name: str) -> str:
    """A linter from the venv running the tests (requirements-dev.txt installs them)."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    assert found, f"{name} is not installed: `make install` (requirements-dev.txt) provides it"
    return found


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, env={**os.environ, **NO_NETWORK}, capture_output=True, text=True, timeout=120)


def actionlint(*files: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    # shellcheck explicitly (never whichever is on PATH); no Python scripts to pyflakes.
    return run(tool("actionlint"), "-shellcheck", tool("shellcheck"), "-pyflakes=", "-format", "{{json .}}", *map(str, files), cwd=cwd)


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def triggers(doc: dict[str, Any]) -> dict[str, Any]:
    on = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` key as True
    return on if isinstance(on, dict) else {t: None for t in ([on] if isinstance(on, str) else on)}


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps") or []


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in steps(job) if str(s.get("uses", "")).split("@")[0] == action]


def test_the_workflows_exist():
    assert {f.name for f in FILES} == {"ci.yml", "preview.yml", "preview-comment.yml"}


# ---------------------------------------------------------------------------------------
# Real linters
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_actionlint(path):
    proc = actionlint(path.relative_to(ROOT))
    assert proc.returncode == 0 and json.loads(proc.stdout or "[]") == [], proc.stdout + proc.stderr


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_github_workflow_schema(path):
    proc = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_linters_do_catch_mistakes(tmp_path):
    """Both linters are live: a broken workflow fails each of them, for the right reasons."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on:\n"
        "  pull_request:\n"
        "    branch: main\n"  # `branches`
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v6\n"
        "        with:\n"
        "          fetch-deep: 0\n"  # `fetch-depth`
        "      - run: echo ${{ github.event.pull_request.title }} $HOME/*.txt\n"
    )
    proc = actionlint(bad, cwd=tmp_path)
    assert proc.returncode == 1
    kinds = {e["kind"] for e in json.loads(proc.stdout)}
    assert {"syntax-check", "action", "expression"} <= kinds, proc.stdout
    proc = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(bad))
    assert proc.returncode == 1 and "branch" in proc.stdout

    script = bad.with_name("script.yml")
    script.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          f=$(ls)\n          echo $f\n")
    proc = actionlint(script, cwd=tmp_path)
    assert proc.returncode == 1 and "SC2086" in proc.stdout  # shellcheck runs on `run:` scripts


# ---------------------------------------------------------------------------------------
# What the design needs from them
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_least_privilege_and_no_pull_request_target(path):
    doc = yaml.safe_load(path.read_text())
    assert "pull_request_target" not in triggers(doc), "pull_request_target would run PR code with a write token"
    assert doc["permissions"] in ({}, {"contents": "read"}), "workflow-wide token must be read-only"
    for name, job in doc["jobs"].items():
        for step in steps(job):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, f"{path.name}:{name} leaves the token in .git/config"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_actions_are_pinned_to_a_version(path):
    doc = yaml.safe_load(path.read_text())
    refs = [str(s["uses"]) for job in doc["jobs"].values() for s in steps(job) if "uses" in s]
    assert refs
    for ref in refs:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@(v\d+(\.\d+)*|[0-9a-f]{40})", ref), ref


def test_ci_runs_the_readme_command_check_and_the_preview_artifact():
    jobs = load("ci.yml")["jobs"]
    runs = [s.get("run", "") for s in steps(jobs["test"])]
    assert "bash .ci/run" in runs
    ci_run = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    readme_commands = re.findall(r"^(make \w+)", readme.split("## The two commands", 1)[1].split("```", 2)[1], re.M)
    assert readme_commands and all(cmd in ci_run for cmd in readme_commands)
    check = jobs["check"]
    assert check["strategy"]["matrix"]["stack"] == ["primary", "dr"]
    assert any('drctl check --stack "$STACK"' in s.get("run", "") for s in steps(check))
    preview = jobs["preview-report"]
    assert uses(preview, "actions/checkout")[0]["with"]["fetch-depth"] == 0
    assert any("drctl preview --stack all" in s.get("run", "") and "--output-dir build/preview" in s.get("run", "") for s in steps(preview))
    upload = uses(preview, "actions/upload-artifact")[0]
    assert upload["with"] == {**upload["with"], "name": "drctl-preview", "path": "build/preview/"}
    assert upload["if"] == "always()"


def test_offline_preview_runs_for_forks_without_secrets():
    doc = load("preview.yml")
    assert list(triggers(doc)) == ["pull_request"]
    offline = doc["jobs"]["offline"]
    assert "permissions" not in offline  # the read-only workflow token
    assert "secrets." not in yaml.safe_dump(offline)
    run = next(s["run"] for s in steps(offline) if "drctl preview" in s.get("run", ""))
    assert '--stack all --base "$BASE_SHA"' in run and "--output-dir build/preview" in run
    assert next(s for s in steps(offline) if "drctl preview" in s.get("run", ""))["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    assert uses(offline, "actions/checkout")[0]["with"]["fetch-depth"] == 0
    assert uses(offline, "actions/upload-artifact")[0]["with"]["name"] == "drctl-preview"


def test_one_sticky_comment_posted_from_a_trusted_run():
    preview, comment = load("preview.yml"), load("preview-comment.yml")
    on = triggers(comment)
    assert list(on) == ["workflow_run"]
    assert on["workflow_run"] == {"workflows": [preview["name"]], "types": ["completed"]}
    job = comment["jobs"]["comment"]
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    # Nothing from the PR is executed here: no checkout, no shell step.
    assert not uses(job, "actions/checkout")
    assert not [s for s in steps(job) if "run" in s]
    download = uses(job, "actions/download-artifact")[0]["with"]
    assert download["name"] == "drctl-preview" and download["run-id"] == "${{ github.event.workflow_run.id }}"
    script = uses(job, "actions/github-script")[0]["with"]["script"]
    assert "<!-- drctl-preview -->" in script
    assert "updateComment" in script and "createComment" in script
    assert "pr.head.sha !== process.env.HEAD_SHA" in script  # the artifact's PR number is verified
    assert "github-actions[bot]" in script  # only our own comment is ever updated


def test_real_pulumi_preview_only_with_credentials():
    jobs = load("preview.yml")["jobs"]
    probe = jobs["credentials"]["steps"][0]
    assert set(probe["env"]) == {"AWS_ROLE_ARN", "PULUMI_ACCESS_TOKEN", "PULUMI_BACKEND_URL"}
    cloud = jobs["cloud"]
    assert cloud["needs"] == "credentials"
    assert cloud["if"] == "needs.credentials.outputs.configured == 'true'"
    assert cloud["permissions"] == {"contents": "read", "id-token": "write", "pull-requests": "write"}
    # Both stacks, each in the region its stack file declares.
    matrix = {e["stack"]: e["region"] for e in cloud["strategy"]["matrix"]["include"]}
    for stack, region in matrix.items():
        stack_file = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())
        assert stack_file["config"]["aws:region"] == region
    assert set(matrix) == {"primary", "dr"}
    names = [str(s.get("uses", "")).split("@")[0] or s.get("name") for s in steps(cloud)]
    assert names.index("Install") < names.index("pulumi/actions"), "dependencies are installed first"
    install = next(s for s in steps(cloud) if s.get("name") == "Install")["run"].splitlines()
    assert install[0] == "make install"  # the program's venv/ (Pulumi.yaml)
    pack = yaml.safe_load((ROOT / "policies" / "PulumiPolicy.yaml").read_text())["runtime"]["options"]["virtualenv"]
    assert f"policies/{pack}/bin/pip install -q -r policies/requirements.txt -c constraints.txt" in install
    pulumi = uses(cloud, "pulumi/actions")[0]["with"]
    assert pulumi["command"] == "preview"
    assert pulumi["comment-on-pr"] is True
    assert pulumi["policyPacks"] == "policies"
    assert pulumi["policyPackConfigs"] == "policies/config.json"
    assert "matrix.stack" in pulumi["stack-name"]
