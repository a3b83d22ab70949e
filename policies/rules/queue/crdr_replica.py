"""The dr broker is a CRDR replica of the primary broker, in the other region."""

from ...resources import MQ_BROKER, arn_region
from ..base import NotApplicable, Rule, need


def check(res, ctx, cfg):
    if ctx.site != "dr":
        raise NotApplicable("the primary broker is the CRDR source; its replica is declared by the dr stack")
    mode = need(res, "dataReplicationMode")
    primary = need(res, "dataReplicationPrimaryBrokerArn")
    label = res.label
    if mode != "CRDR":
        got = "unset (AWS default NONE)" if mode is None else mode
        yield f"Amazon MQ broker `{label}` (dr site) must be a CRDR replica of the primary broker; got dataReplicationMode {got}"
    elif not primary:
        yield f"Amazon MQ broker `{label}` (dr site) must be a CRDR replica of the primary broker; got no dataReplicationPrimaryBrokerArn"
    else:
        where = arn_region(primary)
        own = res.region or ctx.region
        if where == own:
            yield (
                f"Amazon MQ broker `{label}` (dr site) must replicate a broker in another region; "
                f"got primary broker `{primary}` in {where}, its own region"
            )


POLICY = Rule(
    name="mq-crdr-replica",
    area="queue",
    description="The dr site's Amazon MQ broker is a cross-region data replication (CRDR) replica of the primary broker.",
    why="CRDR is the queue's region-loss path (L3): without it the dr broker starts empty. Its primary ARN is "
    "replacement-forcing, so it stays declared in both roles; the flip promotes by API (design §5, §6).",
    remediation="Declare the dr broker with `data_replication_mode='CRDR'` and `data_replication_primary_broker_arn` = "
    "the primary stack's `brokerArn` output.",
    severity="critical",
    tags=("queue", "replication", "L3"),
    types=(MQ_BROKER,),
    check=check,
)
