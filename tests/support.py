"""Helpers shared by the tests: reading captures, and the installed SDKs as the reference
for what a resource type accepts (argument names, whether it takes tags)."""

from __future__ import annotations

import importlib
import inspect
from functools import cache
from typing import Any

from pulumi import _types

from drctl.engine import Capture, Registration

STATEFUL_TYPES = (
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:rds/globalCluster:GlobalCluster",
    "aws:s3/bucket:Bucket",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
    "aws:mq/broker:Broker",
    "aws:secretsmanager/secret:Secret",
    "aws:kms/key:Key",
    "aws:kms/replicaKey:ReplicaKey",
    "aws:backup/vault:Vault",
)
"""Design §4.3/§4.4: what a flip must never replace, and what must be protected."""

# The component file (type token dtem-dr:<file>:<Class>) -> the name its tags carry.
COMPONENT_TAG = {
    "keys": "keys",
    "network": "network",
    "cluster": "kubernetes",
    "database": "database",
    "backup": "backup",
    "object_store": "objectStore",
    "cache": "cache",
    "queue": "queue",
    "secrets": "secrets",
    "workloads": "workloads",
    "traffic": "traffic",
    "registry": "registry",
}


@cache
def sdk_class(type_token: str) -> type:
    """`aws:rds/cluster:Cluster` -> `pulumi_aws.rds.Cluster` (the class the program used)."""
    package, module, name = type_token.split(":")
    root = {"aws": "pulumi_aws", "kubernetes": "pulumi_kubernetes"}[package]
    path = module.split("/")[0] if package == "aws" else module.replace("/", ".")
    return getattr(importlib.import_module(f"{root}.{path}"), name)


@cache
def input_names(type_token: str) -> frozenset[str]:
    """The engine (camelCase) names of the inputs the SDK accepts for the type."""
    cls = sdk_class(type_token)
    args = getattr(importlib.import_module(cls.__module__), f"{cls.__name__}Args")
    return frozenset(_types.input_type_py_to_pulumi_names(args).values())


@cache
def takes_tags(type_token: str) -> bool:
    return "tags" in inspect.signature(sdk_class(type_token)._internal_init).parameters


def one(capture: Capture, type_: str, name: str | None = None) -> Registration:
    found = [r for r in capture.of_type(type_) if name is None or r.name == name]
    assert len(found) == 1, f"{capture.stack}: expected one {type_} {name or ''}, found {[r.name for r in found]}"
    return found[0]


def by_id(capture: Capture) -> dict[str, Registration]:
    """Registrations by the (mocked) physical id, to follow `subnetId`-style references."""
    return {r.id: r for r in capture.custom() if r.id}


def dig(value: Any, *path: str | int) -> Any:
    for step in path:
        if value is None:
            return None
        value = value[step] if isinstance(step, int) else value.get(step)
    return value
