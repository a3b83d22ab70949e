"""MessageQueue: the Amazon MQ ActiveMQ broker of one region.

`ACTIVE_STANDBY_MULTI_AZ`: two brokers in two AZs on shared, multi-AZ storage, so an AZ
loss (L1/L2) loses no persisted message. The dr broker is a cross-region data replication
(CRDR) replica of the primary broker: asynchronous, with no published lag figure (Amazon
MQ guide "crdr-metrics": watch TotalReplicationLag), promoted by a `QueuePromotion`
(`mq:Promote`, components/promotions) when its stack's role becomes active.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .common import Placement, child, stateful
from .promotions import QueuePromotion


@dataclass(frozen=True, kw_only=True)
class MessageQueueArgs:
    placement: Placement
    """Site, region and role of the stack."""
    vpc_id: pulumi.Input[str]
    """VPC of the broker."""
    vpc_cidr: str
    """Clients allowed (the VPC's own range)."""
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets; the first two (two AZs) hold the active and the standby broker."""
    key_arn: pulumi.Input[str]
    """KMS key of this region."""
    engine_version: str
    """ActiveMQ version (CRDR needs 5.18 or later)."""
    instance_type: str
    """Broker instance type."""
    username: str
    """Application user."""
    password: pulumi.Input[str]
    """Application user's password (secret)."""
    replication_username: str
    """CRDR replication user."""
    replication_password: pulumi.Input[str]
    """CRDR replication user's password (secret)."""
    primary_broker_arn: pulumi.Input[str] | None = None
    """dr site: the primary broker to replicate (from the primary stack); none."""
    allow_data_loss: bool = False
    """primary site: promote with FAILOVER instead of SWITCHOVER when it returns to active
    (the dr site always fails over): default False."""


class MessageQueue(pulumi.ComponentResource):
    broker_arn: pulumi.Output[str]
    broker_id: pulumi.Output[str]

    def __init__(self, name: str, args: MessageQueueArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dtem-dr:queue:MessageQueue", name, None, opts)
        p = args.placement
        tags = p.tags("queue")
        sg = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description="DTEM broker: OpenWire/AMQP/console from the VPC only",
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=port, to_port=port, cidr_blocks=[args.vpc_cidr])
                for port in (5671, 61617, 8162)
            ],
            egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])],
            tags=tags,
            opts=child(self),
        )
        replica = not p.is_primary
        if replica and args.primary_broker_arn is None:
            raise ValueError("a dr-site MessageQueue needs primary_broker_arn")
        broker = aws.mq.Broker(
            f"{name}-broker",
            broker_name=f"dtem-mq-{p.region}",
            engine_type="ActiveMQ",
            engine_version=args.engine_version,
            host_instance_type=args.instance_type,
            deployment_mode="ACTIVE_STANDBY_MULTI_AZ",
            # ActiveMQ active/standby takes exactly two subnets in two AZs.
            subnet_ids=pulumi.Output.from_input(args.subnet_ids).apply(lambda ids: ids[:2]),
            security_groups=[sg.id],
            publicly_accessible=False,
            storage_type="efs",
            encryption_options=aws.mq.BrokerEncryptionOptionsArgs(kms_key_id=args.key_arn, use_aws_owned_key=False),
            logs=aws.mq.BrokerLogsArgs(general=True, audit=True),
            auto_minor_version_upgrade=True,
            apply_immediately=False,
            maintenance_window_start_time=aws.mq.BrokerMaintenanceWindowStartTimeArgs(
                day_of_week="SUNDAY", time_of_day="05:00", time_zone="UTC"
            ),
            data_replication_mode="CRDR" if replica else None,
            data_replication_primary_broker_arn=args.primary_broker_arn if replica else None,
            users=[
                aws.mq.BrokerUserArgs(username=args.username, password=args.password, console_access=False),
                aws.mq.BrokerUserArgs(
                    username=args.replication_username, password=args.replication_password, replication_user=True
                ),
            ],
            tags=tags,
            # The primary broker's replication mode is set by AWS when the replica joins
            # (NONE -> CRDR), and after a promotion the replica's primary ARN is read back
            # from whichever broker is primary now; both would otherwise show as drift,
            # and the ARN is ForceNew (design §6). (The provider's Read does not set the
            # ARN on the primary broker -- terraform-provider-aws mq/broker.go -- so the
            # primary needs no entry for it after a promotion made it a replica.)
            opts=stateful(
                self,
                ignore_changes=(["dataReplicationMode"] if not replica else ["dataReplicationPrimaryBrokerArn"]),
            ),
        )
        self.broker_arn = broker.arn
        self.broker_id = broker.id
        # mq:Promote is called on the replica, in its own region. The dr site fails over
        # (works with the primary region gone); the primary site, returning after a
        # failover, switches over (RPO 0, both regions up) unless told to accept data loss.
        self.promotion = QueuePromotion(
            f"{name}-promotion",
            region=p.region,
            promote=p.active,
            mode="FAILOVER" if (replica or args.allow_data_loss) else "SWITCHOVER",
            broker_id=broker.id,
            broker_arn=broker.arn,
            opts=child(self),
        )
        self.register_outputs({"broker_arn": self.broker_arn, "broker_id": self.broker_id})
