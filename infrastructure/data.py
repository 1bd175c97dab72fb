"""The data: tables, the market-data stream and the dead-letter queues, rendered from
the declarations in chalicelib/resources.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from chalicelib.resources import (
    KinesisStream,
    Table,
)

from .stages import Stage

if TYPE_CHECKING:
    _Stack: TypeAlias = cdk.Stack
else:  # a mixin of PooldeskStack, which is the cdk.Stack
    _Stack = object


class Data(_Stack):
    """Part of PooldeskStack (infrastructure/stack.py), which composes these mixins so
    every construct keeps its id, and so its logical id, in the one stack."""

    stage: Stage
    alarm_topic: sns.Topic
    _alarm: Callable[..., None]  # Monitoring's

    # -- data -----------------------------------------------------------------------

    def _table(self, declared: Table, removal: cdk.RemovalPolicy) -> dynamodb.Table:
        key = dynamodb.AttributeType.STRING
        table = dynamodb.Table(
            self,
            declared.logical_id,
            partition_key=dynamodb.Attribute(name=declared.partition_key, type=key),
            sort_key=dynamodb.Attribute(name=declared.sort_key, type=key),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            stream=dynamodb.StreamViewType[declared.stream_view] if declared.stream_view else None,
            time_to_live_attribute=declared.ttl_attribute,
            deletion_protection=self.stage.retain_data,
            removal_policy=removal,
        )
        for index in declared.indexes:
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=dynamodb.Attribute(name=index.partition_key, type=key),
                sort_key=dynamodb.Attribute(name=index.sort_key, type=key),
                projection_type=dynamodb.ProjectionType[index.projection],
            )
        return table

    def _kinesis(self, declared: KinesisStream, removal: cdk.RemovalPolicy) -> kinesis.Stream:
        shards = self.stage.kinesis_shards
        stream = kinesis.Stream(
            self,
            declared.logical_id,
            encryption=kinesis.StreamEncryption.MANAGED,
            stream_mode=kinesis.StreamMode.ON_DEMAND if shards is None else kinesis.StreamMode.PROVISIONED,
            shard_count=shards,
            retention_period=cdk.Duration.hours(24),
        )
        stream.apply_removal_policy(removal)
        return stream

    def _dead_letter_queue(self, logical_id: str) -> sqs.Queue:
        queue = sqs.Queue(
            self,
            logical_id,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(self.stage.dlq_retention_days),
            # The dead-letter consumer emails finance; give it time per message.
            visibility_timeout=cdk.Duration.seconds(180),
        )
        # Anything set aside needs a person: alarm as soon as one message waits.
        self._alarm(
            f"{logical_id}NotEmpty",
            queue.metric_approximate_number_of_messages_visible(period=cdk.Duration.minutes(1)),
            0,
            f"{logical_id}: a consumer gave up on a record",
        )
        return queue
