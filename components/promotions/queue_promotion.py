"""QueuePromotion: make this region's ActiveMQ broker the primary of its CRDR pair.

The dr broker is a cross-region data replication (CRDR) replica of the primary broker.
Promoting it is `mq:Promote` on the *replica*, called in the replica's region ("you can't
initiate a switchover or failover on the primary broker": Amazon MQ guide,
initiate-failover):

- `FAILOVER` (the dr site's mode): the replica becomes primary at once; it "depends on
  neither the health of the original primary region nor the inter-region network" (same
  page), and loses what had not replicated (no published lag: watch TotalReplicationLag);
- `SWITCHOVER` (the primary site's mode, returning after a failover): both brokers reach
  the same state first; it needs both regions healthy.

Either way the former primary becomes the replica. The live state comes from
DescribeBroker in this region (`DataReplicationMetadata.DataReplicationRole`): a broker
that already is the primary, or has no replication at all, is not promoted again.
`promote: false` (standby) only checks that this broker no longer is the primary.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from .base import PromotionError, PromotionProvider, error_code, error_text, minutes

MODES = ("FAILOVER", "SWITCHOVER")

# Read by drctl's failover plan (check 4): which mode needs the current primary's region.
NEEDS_WRITER_REGION = {
    "SWITCHOVER": "mq:Promote SWITCHOVER drains the current primary broker first: it needs that broker's region "
    "healthy (FAILOVER does not)",
}


class QueuePromotionProvider(PromotionProvider):
    service = "mq"
    what = "Amazon MQ CRDR promotion"
    inputs = ("region", "promote", "mode", "brokerId", "brokerArn", "timeoutSeconds")
    required = ("brokerId", "brokerArn")
    arn_inputs = ("brokerArn",)
    modes = MODES

    def _describe(self, client: Any, props: dict[str, Any]) -> dict[str, Any]:
        broker = props["brokerId"]
        try:
            return client.describe_broker(BrokerId=broker)
        except Exception as err:
            if error_code(err) == "NotFoundException":
                raise PromotionError(f"{self.what}: broker {broker!r} does not exist in {props['region']}") from None
            raise PromotionError(f"{self.what}: DescribeBroker({broker}) in {props['region']} failed: {error_text(err)}") from None

    @staticmethod
    def _role(described: dict[str, Any]) -> str:
        if described.get("DataReplicationMode", "NONE") != "CRDR":
            return "STANDALONE"
        return str((described.get("DataReplicationMetadata") or {}).get("DataReplicationRole", "UNKNOWN")).upper()

    def ensure_promoted(self, client: Any, props: dict[str, Any]) -> dict[str, Any]:
        broker, mode = props["brokerId"], props["mode"]
        described = self._describe(client, props)
        role = self._role(described)
        if role == "STANDALONE":
            # No replication (the primary before its replica joined, or a broker whose
            # replication was removed): it takes writes already.
            return {"role": role, "action": "none: no data replication, already writable"}
        pending = str((described.get("PendingDataReplicationMetadata") or {}).get("DataReplicationRole", "")).upper()
        if role == "PRIMARY":
            return {"role": role, "action": "none: already the primary"}
        action = "none: a promotion was already in progress"
        if pending != "PRIMARY":
            try:
                client.promote(BrokerId=broker, Mode=mode)
            except Exception as err:
                hint = (
                    " SWITCHOVER needs both regions healthy; with the other region unreachable use FAILOVER "
                    "(allowDataLoss true on the primary site)."
                    if mode == "SWITCHOVER"
                    else ""
                )
                raise PromotionError(f"{self.what}: Promote({broker}, {mode}) was refused: {error_text(err)}.{hint}") from None
            action = f"Promote({mode})"

        def probe() -> tuple[bool, str]:
            now = self._describe(client, props)
            now_role = self._role(now)
            state = now.get("BrokerState", "?")
            return now_role == "PRIMARY" and state == "RUNNING", f"broker {state}, replication role {now_role}"

        self.wait(
            f"{self.what} ({mode} of broker {broker} in {props['region']})",
            probe,
            props["timeoutSeconds"],
            f"Look at the broker's state in {props['region']} (Amazon MQ publishes no promotion duration).",
        )
        return {"role": "PRIMARY", "action": action}

    def ensure_not_promoted(self, client: Any, props: dict[str, Any]) -> dict[str, Any]:
        described = self._describe(client, props)
        role = self._role(described)
        if role == "PRIMARY":
            raise PromotionError(
                f"{self.what}: broker {props['brokerId']} ({props['region']}) still is the CRDR primary; set the other "
                "site's stack to role active and run `pulumi up` there first (it promotes its broker), then set this "
                f"stack to standby (timeout of a promotion: {minutes(props['timeoutSeconds'])})"
            )
        return {"role": role, "action": "none: standby"}


class QueuePromotion(Resource, module="promotions", name="QueuePromotion"):
    """The record that this region's broker is (promote) or is not the CRDR primary."""

    role: pulumi.Output[str]
    action: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        region: str,
        promote: bool,
        mode: str,
        broker_id: pulumi.Input[str],
        broker_arn: pulumi.Input[str],
        timeout_seconds: int = 1800,
        provider: QueuePromotionProvider | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ):
        if mode not in MODES:
            raise ValueError(f"QueuePromotion mode: expected one of {', '.join(MODES)}; got {mode!r}")
        super().__init__(
            provider or QueuePromotionProvider(),
            name,
            {
                "region": region,
                "promote": promote,
                "mode": mode,
                "brokerId": broker_id,
                "brokerArn": broker_arn,
                "timeoutSeconds": timeout_seconds,
                "role": None,
                "action": None,
            },
            opts,
        )
