"""The base of a preview: which commit to compare with, and a clean checkout of it.

`drctl preview` compares the working tree with a base commit (default: the merge base with
`main`). The base is checked out in a temporary `git worktree` -- never by switching the
user's checkout -- and the worktree is removed whatever happens. A base that cannot be
used (an unknown ref, a commit without the project, a repository in the middle of a
conflicted merge, uncommitted changes to the program) ends in one `BaseRefError` that
says what to do; the CLI prints it and exits 2.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

# What the offline run reads: a change to any of these changes the report, so an
# uncommitted one would make "the working tree" mean something the commit does not.
PROGRAM_PATHS = ("Pulumi.yaml", "Pulumi.*.yaml", "__main__.py", "components", "policies", "drctl")
DEFAULT_BRANCHES = ("main", "origin/main")


class BaseRefError(Exception):
    """The base ref cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Repo:
    root: Path
    """Top level of the working tree."""
    prefix: str
    """The project directory relative to `root` ("" or "sub/dir/")."""


@dataclass(frozen=True)
class BaseRef:
    ref: str
    """What the user asked for (or `merge-base(HEAD, main)`)."""
    commit: str
    """The full commit id."""

    @property
    def short(self) -> str:
        return self.commit[:12]

    @property
    def label(self) -> str:
        return f"`{self.short}` ({self.ref})" if self.ref != self.commit else f"`{self.short}`"


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
    # Hooks and callers can leave these set; they would point git at another repository.
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(var, None)
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BaseRefError("git is not installed: `drctl preview` needs it to check the base ref out") from None
    if check and proc.returncode != 0:
        raise BaseRefError(f"git {' '.join(args)}: {proc.stderr.strip() or 'failed'}")
    return proc


def find_repo(project_dir: Path | str) -> Repo:
    project_dir = Path(project_dir).resolve()
    if not project_dir.is_dir():
        raise BaseRefError(f"{project_dir}: not a directory")
    proc = _git(project_dir, "rev-parse", "--show-toplevel", "--show-prefix", check=False)
    if proc.returncode != 0:
        raise BaseRefError(
            f"{project_dir} is not in a git repository: `drctl preview` compares the working tree with a commit "
            "(clone the repository, or run `drctl plan` for a plain offline plan)"
        )
    root, prefix = (proc.stdout.splitlines() + ["", ""])[:2]
    return Repo(root=Path(root), prefix=prefix.strip())


def _commit_of(repo: Repo, ref: str) -> str | None:
    proc = _git(repo.root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", check=False)
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None


def resolve_base(repo: Repo, ref: str | None) -> BaseRef:
    """The commit to compare with: `ref`, or the merge base of HEAD with main."""
    if ref is not None:
        if not ref.strip() or ref.startswith("-"):
            raise BaseRefError(f"--base {ref!r}: expected a branch, tag, commit or HEAD~N")
        commit = _commit_of(repo, ref)
        if commit is None:
            raise BaseRefError(
                f"--base {ref!r}: unknown ref -- not a branch, tag or commit of this repository "
                "(in CI, check out the history: actions/checkout with fetch-depth: 0)"
            )
        base = BaseRef(ref=ref, commit=commit)
    else:
        if _commit_of(repo, "HEAD") is None:
            raise BaseRefError("the repository has no commit yet: commit the project, or pass --base REF")
        branch = next((b for b in DEFAULT_BRANCHES if _commit_of(repo, b) is not None), None)
        if branch is None:
            raise BaseRefError(
                "no branch `main` (or `origin/main`) to take the merge base with: pass --base REF "
                "(e.g. --base HEAD~1)"
            )
        proc = _git(repo.root, "merge-base", "HEAD", branch, check=False)
        if proc.returncode != 0 or not proc.stdout.strip():
            raise BaseRefError(f"HEAD and {branch} have no common ancestor: pass --base REF")
        base = BaseRef(ref=f"merge-base with {branch}", commit=proc.stdout.strip())
    marker = f"{base.commit}:{repo.prefix}Pulumi.yaml"
    if _git(repo.root, "cat-file", "-e", marker, check=False).returncode != 0:
        raise BaseRefError(
            f"--base {base.ref}: commit {base.short} has no {repo.prefix}Pulumi.yaml -- the project did not exist "
            "there yet; pick a later commit"
        )
    return base


def head_commit(repo: Repo) -> str | None:
    return _commit_of(repo, "HEAD")


def check_clean(repo: Repo) -> None:
    """Refuse a repository the comparison would be wrong for: unresolved conflicts, or
    uncommitted changes to what the offline run reads."""
    conflicts = _git(repo.root, "ls-files", "--unmerged", check=False).stdout.strip()
    if conflicts:
        paths = sorted({line.split("\t", 1)[-1] for line in conflicts.splitlines()})
        raise BaseRefError(f"unresolved merge conflicts ({', '.join(paths[:5])}): resolve them before previewing")
    changed = dirty_paths(repo)
    if changed:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        raise BaseRefError(
            f"uncommitted changes to the program ({shown}): commit or stash them so the report matches a commit, "
            "or pass --allow-dirty to preview the working tree as it is"
        )


def dirty_paths(repo: Repo) -> list[str]:
    specs = [f":(glob){repo.prefix}{p}" if "*" in p else f"{repo.prefix}{p}" for p in PROGRAM_PATHS]
    proc = _git(repo.root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *specs, check=False)
    out: list[str] = []
    entries = proc.stdout.split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        status, path = entry[:2], entry[3:]
        if "R" in status or "C" in status:
            i += 1  # -z puts a rename's source path in the next field
        if "__pycache__/" in path or path.endswith(".pyc"):
            continue
        out.append(path)
    return sorted(out)


@contextlib.contextmanager
def worktree(repo: Repo, base: BaseRef) -> Iterator[Path]:
    """Check `base` out in a temporary worktree; yield the project directory inside it.
    The worktree is removed (and git's record of it pruned) on every exit path."""
    tmp = Path(tempfile.mkdtemp(prefix="drctl-preview-"))
    path = tmp / "base"
    try:
        proc = _git(repo.root, "worktree", "add", "--detach", "--quiet", str(path), base.commit, check=False)
        if proc.returncode != 0:
            raise BaseRefError(f"cannot check {base.short} out in a temporary worktree: {proc.stderr.strip()}")
        yield path / repo.prefix if repo.prefix else path
    finally:
        if path.exists():
            _git(repo.root, "worktree", "remove", "--force", str(path), check=False)
        shutil.rmtree(tmp, ignore_errors=True)
        _git(repo.root, "worktree", "prune", check=False)
