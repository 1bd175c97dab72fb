"""Each Lambda function's own role and log group (least privilege, from
infrastructure/access.py), and the stream consumers' event source mappings."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sqs as sqs
from chalice.cdk import Chalice

from chalicelib.resources import (
    QUEUE_CONSUMERS,
    STREAM_CONSUMERS,
    KinesisStream,
)

from .access import FUNCTION_ACCESS, function_logical_id
from .stages import Stage

if TYPE_CHECKING:
    _Stack: TypeAlias = cdk.Stack
else:  # a mixin of PooldeskStack, which is the cdk.Stack
    _Stack = object

# A record older than this is given up on (and dead-lettered) rather than retried.
MAX_RECORD_AGE = cdk.Duration.hours(6)


# The log retentions a stage may ask for (CloudWatch Logs offers a fixed set).
LOG_RETENTION = {
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    90: logs.RetentionDays.THREE_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
}


class Functions(_Stack):
    """Part of PooldeskStack (infrastructure/stack.py), which composes these mixins so
    every construct keeps its id, and so its logical id, in the one stack."""

    stage: Stage
    tables: dict[str, dynamodb.Table]
    streams: dict[str, kinesis.Stream]
    queues: dict[str, sqs.Queue]
    roles: dict[str, iam.Role]
    user_pool: cognito.UserPool
    alert_mail: ses.ConfigurationSet
    webhook_secrets: dict[str, secretsmanager.Secret]
    chalice: Chalice

    # -- least privilege ----------------------------------------------------------------

    def _function_role(self, name: str) -> iam.Role:
        """A role allowing exactly what infrastructure/access.py declares for the
        function; the event source mappings' needs are added with the mappings."""
        access = FUNCTION_ACCESS[name]
        role = iam.Role(
            self,
            f"{name}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Pooldesk {self.stage.name} {name}: what infrastructure/access.py declares",
        )
        for declared, level in access.tables:
            table = self.tables[declared.logical_id]
            {"read": table.grant_read_data, "write": table.grant_write_data, "read_write": table.grant_read_write_data}[level](
                role
            )
        if access.webhook_secrets:
            for secret in self.webhook_secrets.values():
                secret.grant_read(role)
        if access.send_email:
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["ses:SendEmail"],
                    resources=[
                        self.format_arn(service="ses", resource="identity", resource_name=self.stage.alert_sender),
                        self.format_arn(
                            service="ses",
                            resource="configuration-set",
                            resource_name=self.alert_mail.configuration_set_name,
                        ),
                    ],
                    conditions={"StringEquals": {"ses:FromAddress": self.stage.alert_sender}},
                )
            )
        if access.finance_directory:
            role.add_to_policy(
                iam.PolicyStatement(actions=["cognito-idp:ListUsersInGroup"], resources=[self.user_pool.user_pool_arn])
            )
        if access.user_directory:
            role.add_to_policy(iam.PolicyStatement(actions=["cognito-idp:ListUsers"], resources=[self.user_pool.user_pool_arn]))
        if access.manage_users:
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=[
                        "cognito-idp:AdminCreateUser",
                        "cognito-idp:AdminAddUserToGroup",
                        "cognito-idp:AdminGetUser",
                        "cognito-idp:AdminListGroupsForUser",
                        "cognito-idp:AdminDisableUser",
                        "cognito-idp:AdminEnableUser",
                        "cognito-idp:AdminUserGlobalSignOut",
                    ],
                    resources=[self.user_pool.user_pool_arn],
                )
            )
        # X-Ray takes no resource-level permissions: these two actions are "*" by design.
        role.add_to_policy(iam.PolicyStatement(actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"]))
        return role

    def _function_logs(self, name: str, removal: cdk.RemovalPolicy) -> None:
        """Each function logs to its own group, kept as long as the stage says;
        its role may write there and nowhere else."""
        group = logs.LogGroup(
            self,
            f"{name}Logs",
            retention=LOG_RETENTION[self.stage.log_retention_days],
            removal_policy=removal,
        )
        group.grant_write(self.roles[name])
        function = self.chalice.get_resource(name)
        # Text: Powertools Logger already writes one JSON object per line.
        function.add_property_override("LoggingConfig", {"LogGroup": group.log_group_name, "LogFormat": "Text"})

    def _assign_roles(self) -> None:
        """Each function runs as its own role. Pushing needs the WebSocket API,
        which exists only once the Chalice app does, so it is granted here."""
        websocket_api = self.chalice.get_resource("WebsocketAPI").ref
        connections = self.format_arn(service="execute-api", resource=websocket_api, resource_name="api/*/@connections/*")
        for name, access in FUNCTION_ACCESS.items():
            self.chalice.get_resource(name).add_property_override("Role", self.roles[name].role_arn)
            if access.push:
                push = iam.PolicyStatement(actions=["execute-api:ManageConnections"], resources=[connections])
                self.roles[name].add_to_policy(push)

    # -- stream consumers -------------------------------------------------------------

    def _event_source_mappings(self) -> None:
        for consumer in STREAM_CONSUMERS:
            name = function_logical_id(consumer.function)
            function, role = self.chalice.get_function(name), self.roles[name]
            dead_letter = self.queues[consumer.dead_letter.logical_id]
            source = consumer.source
            if isinstance(source, KinesisStream):
                stream = self.streams[source.logical_id]
                source_arn = stream.stream_arn
                stream.grant_read(role)
            else:
                table = self.tables[source.logical_id]
                source_arn = table.table_stream_arn or ""
                table.grant_stream_read(role)
            dead_letter.grant_send_messages(role)
            mapping = lambda_.CfnEventSourceMapping(
                self,
                f"{name}Mapping",
                function_name=function.function_name,
                event_source_arn=source_arn,
                starting_position="LATEST" if isinstance(source, KinesisStream) else "TRIM_HORIZON",
                batch_size=consumer.batch_size,
                maximum_batching_window_in_seconds=consumer.max_batching_window_seconds,
                function_response_types=["ReportBatchItemFailures"],
                bisect_batch_on_function_error=True,
                maximum_retry_attempts=consumer.max_retries,
                maximum_record_age_in_seconds=int(MAX_RECORD_AGE.to_seconds()),
                destination_config=lambda_.CfnEventSourceMapping.DestinationConfigProperty(
                    on_failure=lambda_.CfnEventSourceMapping.OnFailureProperty(destination=dead_letter.queue_arn)
                ),
            )
            # Lambda checks the role can read the source when the mapping is made.
            mapping.node.add_dependency(role)
        for queue_consumer in QUEUE_CONSUMERS:
            name = function_logical_id(queue_consumer.function)
            function, role = self.chalice.get_function(name), self.roles[name]
            for declared in queue_consumer.queues:
                queue = self.queues[declared.logical_id]
                queue.grant_consume_messages(role)
                queue_mapping = lambda_.CfnEventSourceMapping(
                    self,
                    f"{name}{declared.logical_id}Mapping",
                    function_name=function.function_name,
                    event_source_arn=queue.queue_arn,
                    batch_size=queue_consumer.batch_size,
                    function_response_types=["ReportBatchItemFailures"],
                )
                queue_mapping.node.add_dependency(role)
