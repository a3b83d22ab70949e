"""Shared fixtures: the offline engine over the real program, run once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def topology(project_dir):
    """Both shipped stacks, in deployment order (primary first pass, dr, primary wired)."""
    from drctl.engine import run_topology

    return run_topology(project_dir)
