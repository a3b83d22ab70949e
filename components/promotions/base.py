"""What the promotion providers share: the boto3 client, the region guard, polling, errors.

A promotion is what the AWS provider can only do by an API call (design §5): a dynamic
resource whose desired state follows the stack's `role`. Every provider here

- builds exactly one boto3 client, for the stack's own region (the `region` input), and
  refuses a target whose ARN names another region: nothing is ever called in the peer
  (primary) region, so the flip works while that region is gone (design §4.1);
- reads the live state before acting, so an already-promoted member is left alone and a
  second `pulumi up` calls nothing but a describe;
- polls until the promotion is done, and stops after `timeoutSeconds` with a message that
  says what was waited for, the last status seen and what to do;
- never asks for a replacement (`diff` returns `replaces=[]`): its resource is a record of
  a decision, not infrastructure, and deleting it changes nothing in AWS.

The client factory is injectable (`client_factory(service, region) -> client`) so tests
hand in clients pointed at moto or wrapped in botocore's Stubber; the default builds a
plain boto3 client (which also honours `AWS_ENDPOINT_URL`). Providers are serialized with
dill by Pulumi: they hold only plain values (None by default), and their classes live in
importable modules, so they are pickled by reference.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

from pulumi.dynamic import CheckFailure, CheckResult, DiffResult, ResourceProvider

ClientFactory = Callable[[str, str], Any]
"""`(service, region) -> boto3 client`."""

DEFAULT_POLL_SECONDS = 15.0
"""Seconds between two describes while a promotion runs."""


class PromotionError(Exception):
    """A promotion could not be done; the message says why and what to do. Pulumi shows it
    as the resource's error and the engine stops, leaving the state as it was."""


def default_client_factory(service: str, region: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        region_name=region,
        config=Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=10, read_timeout=60),
    )


def arn_region(arn: Any) -> str | None:
    """`arn:aws:rds:us-west-2:123456789012:cluster:x` -> `us-west-2`; None when the ARN
    carries no region (global resources) or the value is not an ARN."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":")
    return parts[3] or None if len(parts) > 5 else None


def error_code(err: Exception) -> str:
    response = getattr(err, "response", None) or {}
    return str((response.get("Error") or {}).get("Code", type(err).__name__))


def error_text(err: Exception) -> str:
    response = getattr(err, "response", None) or {}
    message = (response.get("Error") or {}).get("Message")
    return f"{error_code(err)}: {message}" if message else str(err)


def minutes(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}m" if seconds % 60 == 0 and seconds >= 60 else f"{seconds}s"


class PromotionProvider(ResourceProvider):
    """Base of the promotion providers. Subclasses set `service`, `what`, `inputs`,
    `required` and implement `ensure_promoted(client, props)` (make this region's member
    the writer; return the outputs to record) and `ensure_not_promoted(client, props)`
    (check that it no longer is, before the stack records `standby`)."""

    service: ClassVar[str] = ""
    what: ClassVar[str] = ""
    """What is promoted, for messages (`Aurora global cluster member`)."""
    inputs: ClassVar[tuple[str, ...]] = ()
    """The input names a diff compares (outputs recorded by create/update are not inputs)."""
    required: ClassVar[tuple[str, ...]] = ()
    """Inputs that must be non-empty strings."""
    arn_inputs: ClassVar[tuple[str, ...]] = ()
    """Inputs holding ARNs that must be in the stack's own region."""
    modes: ClassVar[tuple[str, ...]] = ()
    """Allowed values of the `mode` input (empty: no mode)."""

    def __init__(
        self,
        client_factory: ClientFactory | None = None,
        *,
        poll_seconds: float | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__()
        self.client_factory = client_factory
        self.poll_seconds = poll_seconds
        self.sleep = sleep
        self.clock = clock

    # -- the Pulumi dynamic provider interface ---------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        for key in ("region", *self.required):
            if not isinstance(news.get(key), str) or not news.get(key):
                failures.append(CheckFailure(key, f"{self.what}: `{key}` must be a non-empty string; got {news.get(key)!r}"))
        if not isinstance(news.get("promote"), bool):
            failures.append(CheckFailure("promote", f"{self.what}: `promote` must be true or false; got {news.get('promote')!r}"))
        if self.modes and news.get("mode") not in self.modes:
            failures.append(
                CheckFailure("mode", f"{self.what}: `mode` must be one of {', '.join(self.modes)}; got {news.get('mode')!r}")
            )
        timeout = news.get("timeoutSeconds")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            failures.append(CheckFailure("timeoutSeconds", f"{self.what}: `timeoutSeconds` must be a positive number; got {timeout!r}"))
        region = news.get("region")
        for key in self.arn_inputs:
            where = arn_region(news.get(key))
            if isinstance(region, str) and where is not None and where != region:
                failures.append(
                    CheckFailure(
                        key,
                        f"{self.what}: `{key}` is in {where}, but this stack's region is {region}; a promotion only "
                        "acts on this region's own member (it never calls another region's API)",
                    )
                )
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in self.inputs if olds.get(k) != news.get(k)]
        return DiffResult(
            changes=bool(changed),
            replaces=[],
            stables=[k for k in self.inputs if k not in changed],
            delete_before_replace=False,
        )

    def create(self, props: dict[str, Any]):
        from pulumi.dynamic import CreateResult

        return CreateResult(self.resource_id(props), self._apply(props))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]):
        from pulumi.dynamic import UpdateResult

        return UpdateResult(self._apply(news))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        # A promotion cannot be undone by deleting its record: the member stays what it
        # is. Returning to the primary region is the failback procedure (README).
        return None

    # -- shared machinery -------------------------------------------------------------

    def resource_id(self, props: dict[str, Any]) -> str:
        return "/".join(str(props.get(k, "")) for k in self.required)

    def client(self, props: dict[str, Any]) -> Any:
        region = props["region"]
        for key in self.arn_inputs:
            where = arn_region(props.get(key))
            if where is not None and where != region:
                raise PromotionError(
                    f"{self.what}: `{key}` ({props.get(key)}) is in {where}, not in this stack's region {region}; "
                    "refusing to act: a promotion only ever calls its own region's API"
                )
        factory = self.client_factory or default_client_factory
        return factory(self.service, region)

    def _apply(self, props: dict[str, Any]) -> dict[str, Any]:
        client = self.client(props)
        if props.get("promote"):
            observed = self.ensure_promoted(client, props)
        else:
            observed = self.ensure_not_promoted(client, props)
        return {**{k: props.get(k) for k in self.inputs}, **observed}

    def wait(self, what: str, probe: Callable[[], tuple[bool, str]], timeout: float, hint: str) -> str:
        """Call `probe` until it reports done; its status string is kept for the message."""
        clock = self.clock or time.monotonic
        sleep = self.sleep or time.sleep
        interval = DEFAULT_POLL_SECONDS if self.poll_seconds is None else self.poll_seconds
        deadline = clock() + float(timeout)
        while True:
            done, status = probe()
            if done:
                return status
            if clock() >= deadline:
                raise PromotionError(
                    f"{what}: not finished after {minutes(timeout)} (last status: {status}). The promotion may still "
                    f"complete in AWS; running `pulumi up` again looks at the live state first and does not repeat "
                    f"it. {hint}"
                )
            sleep(interval)

    # -- per service ------------------------------------------------------------------

    def ensure_promoted(self, client: Any, props: dict[str, Any]) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def ensure_not_promoted(self, client: Any, props: dict[str, Any]) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError
