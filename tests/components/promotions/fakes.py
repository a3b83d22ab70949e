"""Clients for the promotion-provider tests: moto-backed, Stubber-wrapped, and a fake clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.stub import Stubber

DR = "us-west-2"
PRIMARY = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@dataclass
class Factory:
    """A client factory that records every (service, region) it is asked for."""

    make: Callable[[str, str], Any]
    asked: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, service: str, region: str) -> Any:
        self.asked.append((service, region))
        return self.make(service, region)


def moto_factory(endpoint: str) -> Factory:
    return Factory(lambda service, region: boto3.client(service, region_name=region, endpoint_url=endpoint, **CREDENTIALS))


def moto_client(endpoint: str, service: str, region: str) -> Any:
    """A client for the test's own setup (creating the fake world), not the provider's."""
    return boto3.client(service, region_name=region, endpoint_url=endpoint, **CREDENTIALS)


@dataclass
class Stubbed:
    client: Any
    stubber: Stubber
    factory: Factory


def stubbed(service: str, region: str = DR) -> Stubbed:
    # A dead endpoint: a request that escapes the Stubber fails instead of reaching AWS.
    client = boto3.client(service, region_name=region, endpoint_url="http://127.0.0.1:9", **CREDENTIALS)
    stubber = Stubber(client)
    stubber.activate()
    return Stubbed(client, stubber, Factory(lambda _service, _region: client))


class FakeClock:
    """Time that advances only when the provider sleeps: timeouts without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def refusing_factory(service: str, region: str) -> Any:
    raise AssertionError(f"no client may be built here; asked for {service} in {region}")
