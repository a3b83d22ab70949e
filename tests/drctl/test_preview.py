"""`drctl preview`: golden reports on known diffs, the size cap, the Mermaid block, and the
base-ref handling (a real git history, in tmp_path, for the worktree path).

Golden files live in tests/golden/. After an intended change to the report, regenerate
them and review the diff:

    DRCTL_UPDATE_GOLDEN=1 ./venv/bin/python -m pytest tests/drctl/test_preview.py

Cost: the known diffs run the program in-process with config overrides against the
session's shipped topology (one extra topology run each); only the git-history test runs
the two sides as subprocesses (in parallel).
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from drctl import cli, gitbase, preview
from drctl.report_md import DEFAULT_MAX_CHARS, GITHUB_COMMENT_LIMIT, comment_length, render_markdown

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("DRCTL_UPDATE_GOLDEN") == "1"
STACKS = ("primary", "dr")
# What a copy of the project needs to run offline (program + tools).
PROJECT_FILES = ("Pulumi.yaml", "Pulumi.primary.yaml", "Pulumi.dr.yaml", "__main__.py", "components", "drctl", "policies")


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"{path} is missing: run with DRCTL_UPDATE_GOLDEN=1 to create it"
    expected = path.read_text()
    assert text == expected, f"{name} differs from the golden file; if intended, regenerate with DRCTL_UPDATE_GOLDEN=1"


# ---------------------------------------------------------------------------------------
# Known diffs, made with config overrides of the shipped topology
# ---------------------------------------------------------------------------------------


def _topology_value() -> dict[str, Any]:
    doc = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    return copy.deepcopy(doc["config"]["dtem-dr:topology"]["value"])


def _overrides(mutate: Callable[[dict[str, Any]], None]) -> dict[str, dict[str, Any]]:
    topology = _topology_value()
    mutate(topology)
    return {stack: {"dtem-dr:topology": topology} for stack in STACKS}


def _more_replicas(t):
    t["workloads"]["services"]["dte-service"]["replicas"]["active"] = 12


def _rename_database(t):
    t["database"]["databaseName"] = "dtem_v2"


def _cache_rebuild(t):
    t["cache"]["strategy"] = "rebuild"


CASES = {
    "replicas": ("`workloads.services.dte-service.replicas.active: 12`", _more_replicas),
    "replace_database": ("`database.databaseName: dtem_v2`", _rename_database),
    "rpo_break": ("`cache.strategy: rebuild`", _cache_rebuild),
}


@pytest.fixture(scope="module")
def shipped_side(project_dir, topology):
    return preview.analyze(project_dir, STACKS, label="`shipped Pulumi.yaml`", topology=topology)


@pytest.fixture(scope="module")
def reports(project_dir, shipped_side):
    cache: dict[str, dict[str, Any]] = {}

    def get(case: str) -> dict[str, Any]:
        if case not in cache:
            label, mutate = CASES[case]
            head = preview.analyze(project_dir, STACKS, label=label, overrides=_overrides(mutate))
            assert head.error is None, head.error
            cache[case] = preview.compare(STACKS, head, shipped_side)
        return cache[case]

    return get


def _changes(report, stack):
    return {c["name"]: c for c in report["changes"][stack]["changes"]}


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_markdown(reports, case):
    report = reports(case)
    text = render_markdown(report)
    assert_golden(f"preview_{case}.md", text)
    # Determinism: the same data renders the same text, and the data serialises stably.
    assert render_markdown(copy.deepcopy(report)) == text
    assert json.dumps(report, sort_keys=True) == json.dumps(copy.deepcopy(report), sort_keys=True)


def test_golden_json(reports):
    report = reports("replace_database")
    assert_golden("preview_replace_database.json", json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def test_replica_count_change_is_one_in_place_update(reports):
    report = reports("replicas")
    primary = _changes(report, "primary")
    assert set(primary) == {"workloads-dte-service"}
    change = primary["workloads-dte-service"]
    assert (change["kind"], change["changed"], change["stateful"]) == ("update", ["spec.replicas"], False)
    assert report["changes"]["dr"]["changes"] == []  # standby replicas are unchanged
    assert report["verdict"]["level"] in ("ok", "warn")
    assert "dte-service ×12" in report["mermaid"]


def test_database_rename_is_flagged_as_stateful_replacement(reports):
    report = reports("replace_database")
    primary = _changes(report, "primary")
    for name in ("database-cluster", "database-global"):
        assert primary[name]["kind"] == "replace", name
        assert primary[name]["stateful"] is True
        assert "databaseName" in primary[name]["replaceReasons"]
    assert report["verdict"]["level"] == "block"
    assert "stateful" in report["verdict"]["text"]
    text = render_markdown(report)
    assert "> [!CAUTION]" in text
    assert re.search(r"> - \*\*replace\*\* `database-cluster` \(`aws:rds/cluster:Cluster`, primary", text)


def test_cache_strategy_change_shows_the_lost_replication(reports):
    report = reports("rpo_break")
    dr = _changes(report, "dr")
    assert dr["cache-group"]["kind"] == "delete" and dr["cache-group"]["stateful"]
    assert _changes(report, "primary")["cache-global"]["kind"] == "delete"
    assert "Global Datastore" not in report["mermaid"]
    assert report["verdict"]["level"] == "block"
    for stack in STACKS:
        rows = report["matrix"][stack]
        if rows is None:
            continue  # the policy pack is not there to estimate
        cache_l3 = next(r for r in rows if r["component"] == "cache" and r["level"] == "L3")
        assert cache_l3["rpoEstimate"] is None or cache_l3["rpoEstimate"] > cache_l3["rpoTarget"]
        assert cache_l3["rpoEstimate"] != cache_l3["base"]["rpoEstimate"]


def test_no_change_reports_no_change(project_dir, shipped_side):
    report = preview.compare(STACKS, shipped_side, shipped_side)
    assert all(report["changes"][s]["changes"] == [] for s in STACKS)
    assert report["mermaidChanged"] is False
    assert "no resource changes" in report["verdict"]["text"]


def test_a_head_that_fails_offline_is_the_verdict(shipped_side):
    head = preview.side_from_snapshot("`broken`", {"error": "invalid configuration for stack 'dr':\n  - topology.x: bad"})
    report = preview.compare(STACKS, head, shipped_side)
    assert report["verdict"] == {"level": "block", "text": "⛔ **The program fails offline** — invalid configuration for stack 'dr': - topology.x: bad"}
    text = render_markdown(report)
    assert "The program fails offline at head:" in text and "topology.x: bad" in text
    assert "```mermaid" not in text


def test_a_base_without_a_matrix_gives_no_deltas(reports):
    report = copy.deepcopy(reports("replicas"))
    report["base"]["unavailable"] = {"check": "policy results need drctl.check (No module named 'drctl.check')"}
    for rows in report["matrix"].values():
        for row in rows:
            row["base"], row["inBase"] = None, False
    text = render_markdown(report)
    assert "no deltas, the base has no matrix (policy results need drctl.check" in text
    assert "Changed against base" not in text and "No target is missed." in text


# ---------------------------------------------------------------------------------------
# Size cap
# ---------------------------------------------------------------------------------------


def test_size_cap_golden(reports):
    report = reports("replace_database")
    full = render_markdown(report, max_chars=0)
    text = render_markdown(report, max_chars=4000, full_report="the `drctl-preview` artifact of [this run](https://example.invalid/run/1)")
    assert comment_length(full) > 4000
    assert comment_length(text) <= 4000
    assert_golden("preview_size_cap.md", text)
    assert text.startswith(full.split("\n### Changes", 1)[0])  # the verdict is never cut
    assert "> [!CAUTION]" in text  # nor the stateful-replacement warning
    assert "Cut to fit GitHub's comment limit" in text
    assert "the `drctl-preview` artifact of [this run](https://example.invalid/run/1)" in text
    assert text.count("```") % 2 == 0  # no half diagram


def _huge(report: dict[str, Any], n: int) -> dict[str, Any]:
    huge = copy.deepcopy(report)
    template = huge["changes"]["primary"]["changes"][0]
    extra = []
    for i in range(n):
        c = copy.deepcopy(template)
        c.update(name=f"synthetic-{i:05d}", urn=f"{template['urn']}-{i:05d}", kind="update", changed=[f"tags.k{j}" for j in range(12)])
        extra.append(c)
    huge["changes"]["primary"]["changes"] += extra
    huge["changes"]["primary"]["counts"]["update"] += n
    return huge


def test_size_cap_holds_for_a_huge_diff(reports):
    huge = _huge(reports("replicas"), 3000)
    full = render_markdown(huge, max_chars=0)
    assert comment_length(full) > GITHUB_COMMENT_LIMIT
    assert "synthetic-02999" in full
    text = render_markdown(huge)
    assert comment_length(text) <= DEFAULT_MAX_CHARS < GITHUB_COMMENT_LIMIT
    assert render_markdown(huge) == text  # deterministic cut
    notes = [line for line in text.splitlines() if line.startswith("> ✂️")]
    # The failover plan's detail goes first (CUT_PLAN), then the changes' tail.
    assert [n for n in notes if re.search(r"Changes: \d+ of 3001 changes shown", n)]
    assert all("Changes:" in n or "Failover plan detail" in n for n in notes), notes
    kept = re.findall(r"synthetic-(\d{5})", text)
    assert kept == sorted(kept) and "synthetic-02999" not in text  # a prefix is kept, the tail cut
    assert "```mermaid" in text  # the changes were cut; the diagram still fits


def test_size_cap_below_the_uncuttable_parts_still_holds(reports):
    text = render_markdown(reports("replace_database"), max_chars=300)
    assert comment_length(text) <= 300
    assert "Cut to fit" in text


# ---------------------------------------------------------------------------------------
# The Mermaid block
# ---------------------------------------------------------------------------------------


def _mermaid_block(text: str) -> list[str]:
    blocks = re.findall(r"```mermaid\n(.*?)\n```", text, re.S)
    assert len(blocks) == 1
    return blocks[0].splitlines()


def test_mermaid_block_structure(reports, topology):
    lines = _mermaid_block(render_markdown(reports("replicas")))
    assert lines[0] == "flowchart LR"
    opened = [line.strip() for line in lines if line.strip().startswith("subgraph ")]
    closed = [line for line in lines if line.strip() == "end"]
    assert len(opened) == len(closed) == 2 + 3 + 3  # two regions, three AZs in each
    # Regions at the top level, their AZs nested inside them.
    depth, parents, stack = 0, {}, []
    for line in lines[1:]:
        s = line.strip()
        if s.startswith("subgraph "):
            sid = re.match(r"subgraph (\w+)\[", s).group(1)
            parents[sid] = stack[-1] if stack else None
            stack.append(sid)
        elif s == "end":
            stack.pop()
        depth = max(depth, len(stack))
    assert depth == 2 and not stack
    assert parents["primary"] is None and parents["dr"] is None
    for site, capture in (("primary", topology.primary), ("dr", topology.dr)):
        azs = capture.exports["availabilityZones"]
        titles = {re.search(r'\["(.*)"\]', s).group(1) for s in opened if parents.get(re.match(r"subgraph (\w+)", s).group(1)) == site}
        assert titles == set(azs)
        region_title = next(s for s in opened if s.startswith(f"subgraph {site}["))
        assert capture.exports["region"] in region_title and capture.exports["role"] in region_title
    nodes = {m.group(1) for line in lines if (m := re.match(r"\s+(\w+)[\[\(\{]", line)) and not line.strip().startswith("subgraph")}
    for comp in ("database", "cache", "queue", "objectStore", "secrets", "keys", "workloads"):
        assert f"primary_{comp}" in nodes and f"dr_{comp}" in nodes, comp
    edges = [re.match(r"\s+(\w+) (-->|-\.->)\|\"(.*)\"\| (\w+)$", line) for line in lines if "->" in line]
    assert all(edges), [line for line in lines if "->" in line]
    assert {m.group(1) for m in edges} | {m.group(4) for m in edges} <= nodes
    pairs = {(m.group(1), m.group(4)): m.group(3) for m in edges}
    expected = {
        ("primary_database", "dr_database"): "Aurora global database · async",
        ("primary_cache", "dr_cache"): "Global Datastore · async",
        ("primary_queue", "dr_queue"): "CRDR · async",
        ("primary_objectStore", "dr_objectStore"): "S3 CRR · RTC 15 min",
        ("dr_objectStore", "primary_objectStore"): "S3 CRR · RTC 15 min",
        ("primary_keys", "dr_keys"): "multi-Region key replica",
        ("primary_backup", "dr_backup"): "backup copies",
        ("dr_backup", "primary_backup"): "backup copies",
    }
    for pair, label in expected.items():
        assert pairs.get(pair) == label, pair
    assert pairs[("primary_secrets", "dr_secrets")].startswith("secret replica")
    assert pairs[("route53", "primary_workloads")].startswith("PRIMARY")
    assert pairs[("route53", "dr_workloads")].startswith("SECONDARY")
    # Mermaid ids stay ids; labels never carry a bare double quote.
    for line in lines:
        assert line.count('"') % 2 == 0, line


def test_mermaid_arrow_follows_the_deployed_properties(project_dir, topology):
    from drctl.engine import run_topology
    from drctl.mermaid import topology_diagram

    off = run_topology(project_dir, overrides=_overrides(lambda t: t["objectStore"].update(replicationTimeControl=False)))
    text = topology_diagram([off.primary, off.dr])
    assert '|"S3 CRR · no RTC, unbounded"| dr_objectStore' in text
    assert "RTC 15 min" not in text


# ---------------------------------------------------------------------------------------
# Base refs: a real git history in tmp_path
# ---------------------------------------------------------------------------------------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str, check: bool = True) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    proc = subprocess.run(["git", *args], cwd=repo, env={**env, **GIT_ENV}, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {proc.stderr}")
    return proc.stdout


def copy_project(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)


def new_repo(path: Path, branch: str = "main") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "--quiet", "-b", branch)
    return path


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", message)


ALERTS_COMPONENT = '''"""Alerts: the region's alarm topic (a new component, added by the test)."""

import pulumi
import pulumi_aws as aws


class Alerts(pulumi.ComponentResource):
    def __init__(self, name: str, region: str, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dtem-dr:alerts:Alerts", name, None, opts)
        aws.sns.Topic(f"{name}-topic", name=f"dtem-alerts-{region}", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})
'''

ALERTS_WIRING = '''
# Added by the test: a new component in every region.
from components.alerts import Alerts

_alerts_region = pulumi.Config("aws").require("region")
Alerts("alerts", _alerts_region, opts=pulumi.ResourceOptions(providers={"aws": aws.Provider("alerts-aws", region=_alerts_region)}))
'''


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """main: the project, then a commit that adds a component."""
    repo = new_repo(tmp_path_factory.mktemp("history") / "repo")
    copy_project(repo)
    commit_all(repo, "the project")
    (repo / "components" / "alerts.py").write_text(ALERTS_COMPONENT)
    with (repo / "__main__.py").open("a") as fh:
        fh.write(ALERTS_WIRING)
    commit_all(repo, "add the alerts component")
    return repo


def _worktrees(repo: Path) -> list[str]:
    return [line for line in git(repo, "worktree", "list", "--porcelain").splitlines() if line.startswith("worktree ")]


def test_new_component_from_git_history(history, tmp_path, capsys):
    out_dir = tmp_path / "out"
    rc = cli.main(["preview", "--stack", "all", "--base", "HEAD~1", "--project-dir", str(history), "--output-dir", str(out_dir)])
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert _worktrees(history) == [f"worktree {history}"]  # the temporary worktree is gone
    shas = {git(history, "rev-parse", ref).strip()[:12]: name for ref, name in (("HEAD", "<head>"), ("HEAD~1", "<base>"))}
    normalized = re.sub(r"[0-9a-f]{12}", lambda m: shas.get(m.group(0), m.group(0)), out)
    assert_golden("preview_new_component.md", normalized)
    assert "Head `<head>` compared with base `<base>` (HEAD~1)" in normalized
    assert normalized.count("➕ **create** `alerts-topic` · `aws:sns/topic:Topic`") == 2
    assert 'primary_alerts["alerts<br/>' in normalized and 'dr_alerts["alerts<br/>' in normalized
    # --output-dir: the comment as printed, the uncut report, the data -- from one analysis.
    assert (out_dir / "comment.md").read_text() == out
    assert (out_dir / "report.md").read_text() == out  # short enough: nothing was cut
    data = json.loads((out_dir / "report.json").read_text())
    assert data["stacks"] == ["primary", "dr"]
    for stack in STACKS:
        assert [(c["kind"], c["name"], c["componentName"]) for c in data["changes"][stack]["changes"]] == [("create", "alerts-topic", "alerts")]


def test_one_stack_report(shipped_side):
    single = preview.compare(("dr",), shipped_side, shipped_side)
    assert single["stacks"] == ["dr"] and set(single["changes"]) == {"dr"} and set(single["policies"]) == {"dr"}
    text = render_markdown(single)
    assert text.startswith("## DR preview · `dr`\n") and "**primary**" not in text


def test_the_base_runs_its_own_components_not_the_cached_ones(tmp_path, project_dir, shipped_side):
    """This process has imported the working tree's `components`; a base whose component
    code differs must still be built by its own code (a subprocess), or the diff would
    silently be empty."""
    repo = new_repo(tmp_path / "repo")
    copy_project(repo)
    network = repo / "components" / "network.py"
    code = network.read_text()
    assert "enable_dns_hostnames=True," in code
    network.write_text(code.replace("enable_dns_hostnames=True,", "enable_dns_hostnames=False,", 1))
    commit_all(repo, "a base whose network component differs")
    git_repo = gitbase.find_repo(repo)
    assert preview.runs_here(project_dir) and not preview.runs_here(repo)
    with gitbase.worktree(git_repo, gitbase.resolve_base(git_repo, "HEAD")) as path:
        base = preview.finish_subprocess(preview.start_subprocess(path, STACKS, "`base`"))
    assert base.error is None, base.error
    report = preview.compare(STACKS, shipped_side, base)
    for stack in STACKS:
        vpc = _changes(report, stack)["network-vpc"]
        assert (vpc["kind"], vpc["changed"]) == ("update", ["enableDnsHostnames"])


def _preview(capsys, repo: Path, *args: str) -> tuple[int, str]:
    rc = cli.main(["preview", "--stack", "all", "--project-dir", str(repo), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return rc, err


@pytest.fixture
def small_repo(tmp_path) -> Path:
    """A repository whose only commit is the project (nothing is run in these tests)."""
    repo = new_repo(tmp_path / "repo")
    copy_project(repo)
    commit_all(repo, "the project")
    return repo


def test_unknown_ref_is_one_clear_error(small_repo, capsys):
    rc, err = _preview(capsys, small_repo, "--base", "no-such-branch")
    assert rc == 2
    assert err.strip() == (
        "drctl: preview: --base 'no-such-branch': unknown ref -- not a branch, tag or commit of this repository "
        "(in CI, check out the history: actions/checkout with fetch-depth: 0)"
    )
    rc, err = _preview(capsys, small_repo, "--base", "HEAD~5")
    assert rc == 2 and "unknown ref" in err


def test_option_like_ref_is_refused(small_repo, capsys):
    rc, err = _preview(capsys, small_repo, "--base=--output=/tmp/x")
    assert rc == 2 and "expected a branch, tag, commit or HEAD~N" in err


def test_not_a_git_repository(tmp_path, capsys):
    copy_project(tmp_path)
    rc, err = _preview(capsys, tmp_path, "--base", "HEAD")
    assert rc == 2 and "is not in a git repository" in err


def test_uncommitted_program_changes_are_refused(small_repo, capsys):
    with (small_repo / "Pulumi.dr.yaml").open("a") as fh:
        fh.write("# edited\n")
    (small_repo / "components" / "extra.py").write_text("# untracked\n")
    (small_repo / "notes.txt").write_text("not part of the program\n")
    rc, err = _preview(capsys, small_repo, "--base", "HEAD")
    assert rc == 2
    assert "uncommitted changes to the program (Pulumi.dr.yaml, components/extra.py)" in err
    assert "--allow-dirty" in err


def test_unresolved_conflicts_are_refused(small_repo, capsys):
    git(small_repo, "checkout", "--quiet", "-b", "other")
    (small_repo / "Pulumi.dr.yaml").write_text((small_repo / "Pulumi.dr.yaml").read_text() + "# other\n")
    commit_all(small_repo, "other side")
    git(small_repo, "checkout", "--quiet", "main")
    (small_repo / "Pulumi.dr.yaml").write_text((small_repo / "Pulumi.dr.yaml").read_text() + "# main\n")
    commit_all(small_repo, "main side")
    git(small_repo, "merge", "other", check=False)
    rc, err = _preview(capsys, small_repo, "--base", "HEAD~1")
    assert rc == 2 and "unresolved merge conflicts (Pulumi.dr.yaml)" in err


def test_base_before_the_project_existed(tmp_path, capsys):
    repo = new_repo(tmp_path / "repo")
    (repo / "README.md").write_text("empty\n")
    commit_all(repo, "nothing yet")
    copy_project(repo)
    commit_all(repo, "the project")
    rc, err = _preview(capsys, repo, "--base", "HEAD~1")
    assert rc == 2 and "has no Pulumi.yaml -- the project did not exist there yet" in err


def test_default_base_needs_main(tmp_path, capsys):
    repo = new_repo(tmp_path / "repo", branch="trunk")
    copy_project(repo)
    commit_all(repo, "the project")
    rc, err = _preview(capsys, repo)
    assert rc == 2 and "no branch `main` (or `origin/main`)" in err and "--base" in err


def test_default_base_is_the_merge_base_with_main(small_repo):
    git(small_repo, "checkout", "--quiet", "-b", "feature")
    (small_repo / "Pulumi.dr.yaml").write_text((small_repo / "Pulumi.dr.yaml").read_text() + "# feature\n")
    commit_all(small_repo, "feature work")
    repo = gitbase.find_repo(small_repo)
    base = gitbase.resolve_base(repo, None)
    assert base.commit == git(small_repo, "rev-parse", "main").strip()
    assert base.ref == "merge-base with main"


def test_bad_stack_is_a_usage_error(small_repo, capsys):
    rc = cli.main(["preview", "--stack", "staging", "--project-dir", str(small_repo)])
    assert rc == 2 and "expected primary, dr or all" in capsys.readouterr().err


def test_worktree_is_removed_when_the_body_fails(small_repo):
    repo = gitbase.find_repo(small_repo)
    base = gitbase.resolve_base(repo, "HEAD")
    seen = []
    with pytest.raises(RuntimeError):
        with gitbase.worktree(repo, base) as path:
            seen.append(path)
            assert (path / "Pulumi.yaml").exists()
            raise RuntimeError("boom")
    assert not seen[0].exists()
    assert _worktrees(small_repo) == [f"worktree {small_repo}"]


def test_a_base_whose_program_fails_is_reported_not_raised(small_repo):
    """The base runs in a subprocess with its own code; its failure becomes the side's
    error (shown in the report), and the worktree is still removed."""
    doc = (small_repo / "Pulumi.yaml").read_text().replace("availabilityZones: 3", "availabilityZones: 7")
    assert "availabilityZones: 7" in doc
    (small_repo / "Pulumi.yaml").write_text(doc)
    commit_all(small_repo, "a broken base")
    repo = gitbase.find_repo(small_repo)
    with gitbase.worktree(repo, gitbase.resolve_base(repo, "HEAD")) as path:
        side = preview.finish_subprocess(preview.start_subprocess(path, STACKS, "broken"))
    assert side.topology is None
    assert "availabilityZones" in side.error
    assert _worktrees(small_repo) == [f"worktree {small_repo}"]
