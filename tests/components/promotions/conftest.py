"""Fixtures of the promotion-provider tests: moto's HTTP server on loopback and a fake clock.

moto runs as a real server (`moto_server -H 127.0.0.1 -p <free port>`), once per session,
reset before each test through `POST /moto-api/reset`. Where moto 5.2.5 does not implement
an API (SwitchoverGlobalCluster, FailoverGlobalCluster, ElastiCache global datastores,
mq:Promote, the CRDR fields of DescribeBroker), the tests use botocore's Stubber (fakes.py)
and say so.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from .fakes import FakeClock


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Readiness, not a timed assertion: wait for the port to answer, give up after 60 s.
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto server did not start on {url}") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def moto(moto_server: str) -> str:
    """moto's endpoint with empty state."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")).close()
    return moto_server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
