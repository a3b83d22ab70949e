"""Amazon MQ brokers are deployed over two or more AZs."""

from ...resources import MQ_BROKER
from ..base import Rule, need

MODES = ("ACTIVE_STANDBY_MULTI_AZ", "CLUSTER_MULTI_AZ")


def check(res, ctx, cfg):
    mode = need(res, "deploymentMode")
    if mode not in MODES:
        got = "unset (AWS default SINGLE_INSTANCE)" if mode is None else mode
        yield f"Amazon MQ broker `{res.label}` must be deployed ACTIVE_STANDBY_MULTI_AZ or CLUSTER_MULTI_AZ; got {got}"


POLICY = Rule(
    name="mq-multi-az-deployment",
    area="queue",
    description="Amazon MQ brokers use ACTIVE_STANDBY_MULTI_AZ (ActiveMQ) or CLUSTER_MULTI_AZ (RabbitMQ).",
    why="A single-instance broker is down until AWS replaces it, and on EBS its messages go with its AZ (L1/L2); the "
    "multi-AZ modes keep persisted messages and fail over in about two minutes.",
    remediation="Set `deployment_mode='ACTIVE_STANDBY_MULTI_AZ'` with two subnets in two AZs (components/queue.py does).",
    severity="high",
    tags=("queue", "L1", "L2"),
    types=(MQ_BROKER,),
    check=check,
)
