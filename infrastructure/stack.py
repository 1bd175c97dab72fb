"""Pooldesk's AWS stack: the resources declared once in chalicelib/resources.py,
rendered for CDK, and the Chalice app wired to them.

This first slice holds the data (tables, Kinesis, dead-letter queues), sign-in
(Cognito), the Chalice app (REST, WebSocket, every Lambda) and the stream
consumers' event source mappings with partial batch responses, bisect on
error, bounded retries and an SQS on-failure destination.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import (
    aws_apigateway as apigateway,
)
from aws_cdk import (
    aws_apigatewayv2 as apigatewayv2,
)
from aws_cdk import (
    aws_cloudfront as cloudfront,
)
from aws_cdk import (
    aws_cloudfront_origins as origins,
)
from aws_cdk import (
    aws_cloudwatch as cloudwatch,
)
from aws_cdk import (
    aws_cloudwatch_actions as cw_actions,
)
from aws_cdk import (
    aws_cognito as cognito,
)
from aws_cdk import (
    aws_dynamodb as dynamodb,
)
from aws_cdk import (
    aws_iam as iam,
)
from aws_cdk import (
    aws_kinesis as kinesis,
)
from aws_cdk import (
    aws_lambda as lambda_,
)
from aws_cdk import (
    aws_logs as logs,
)
from aws_cdk import (
    aws_s3 as s3,
)
from aws_cdk import (
    aws_s3_deployment as s3deploy,
)
from aws_cdk import (
    aws_secretsmanager as secretsmanager,
)
from aws_cdk import (
    aws_ses as ses,
)
from aws_cdk import (
    aws_sns as sns,
)
from aws_cdk import (
    aws_sns_subscriptions as subscriptions,
)
from aws_cdk import (
    aws_sqs as sqs,
)
from chalice.cdk import Chalice
from constructs import Construct

from app import routes
from chalicelib.resources import (
    ALERT_CONFIGURATION_SET,
    API_RESPONSE_HEADERS,
    KINESIS_STREAMS,
    QUEUE_CONSUMERS,
    QUEUES,
    ROUTE_NOT_FOUND,
    STREAM_CONSUMERS,
    TABLES,
    USER_GROUPS,
    KinesisStream,
    Table,
    web_content_security_policy,
)

from . import nag
from .access import FUNCTION_ACCESS, chalice_functions, function_logical_id
from .stages import Stage
from .webhook_secret import secret_name, stage_prefix

ROOT = Path(__file__).resolve().parents[1]


def gateway_responses() -> dict[str, Any]:
    """API Gateway's own answers, as x-amazon-apigateway-gateway-responses."""
    headers = {f"gatewayresponse.header.{name}": f"'{value}'" for name, value in API_RESPONSE_HEADERS.items()}

    def shaped(code: str, message: str) -> str:
        # $context.error.messageString is API Gateway's own message, already a quoted JSON string.
        return '{"error": {"code": "%s", "message": %s, "field": null}}' % (code, message)  # noqa: UP031

    return {
        "MISSING_AUTHENTICATION_TOKEN": {
            "statusCode": str(ROUTE_NOT_FOUND.status),
            "responseParameters": headers,
            "responseTemplates": {"application/json": json.dumps(ROUTE_NOT_FOUND.body())},
        },
        "THROTTLED": {
            "statusCode": "429",
            "responseParameters": {**headers, "gatewayresponse.header.Retry-After": "'1'"},
            "responseTemplates": {"application/json": shaped("too_many_requests", "$context.error.messageString")},
        },
        "DEFAULT_4XX": {
            "responseParameters": headers,
            "responseTemplates": {"application/json": shaped("request_refused", "$context.error.messageString")},
        },
        "DEFAULT_5XX": {
            "responseParameters": headers,
            "responseTemplates": {"application/json": shaped("gateway_error", "$context.error.messageString")},
        },
    }


def api_path_patterns(paths: list[str]) -> list[str]:
    """CloudFront path patterns that cover the API's routes and nothing else
    (the rest of the origin is the web app): "/pools" and "/pools/*" for
    /pools/{pool_id}/..., "/config" for /config."""
    patterns: set[str] = set()
    for path in paths:
        head, _, rest = path.lstrip("/").partition("/")
        patterns.add(f"/{head}/*" if rest else f"/{head}")
    return sorted(patterns)


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


class PooldeskStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, *, stage: Stage, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.stage = stage
        self.metrics_namespace = f"Pooldesk/{stage.name}"
        removal = cdk.RemovalPolicy.RETAIN if stage.retain_data else cdk.RemovalPolicy.DESTROY

        self.tables = {t.logical_id: self._table(t, removal) for t in TABLES}
        self.streams = {s.logical_id: self._kinesis(s, removal) for s in KINESIS_STREAMS}

        self.alarm_topic = sns.Topic(self, "AlarmTopic", display_name=f"Pooldesk {stage.name} alarms", enforce_ssl=True)
        if stage.alarm_email:
            self.alarm_topic.add_subscription(subscriptions.EmailSubscription(stage.alarm_email))
        self.queues = {q.logical_id: self._dead_letter_queue(q.logical_id) for q in QUEUES}

        self.user_pool, self.user_pool_client = self._cognito(removal)

        self.alert_mail = self._alert_mail()
        self.webhook_secrets = self._webhook_secrets(removal)
        # One role per function, made before the functions so each can name its own.
        self.roles = {name: self._function_role(name) for name in FUNCTION_ACCESS}

        environment = {
            **{t.env_var: self.tables[t.logical_id].table_name for t in TABLES},
            **{s.env_var: self.streams[s.logical_id].stream_name for s in KINESIS_STREAMS},
            **{q.env_var: self.queues[q.logical_id].queue_url for q in QUEUES},
            "COGNITO_USER_POOL_ID": self.user_pool.user_pool_id,
            "COGNITO_CLIENT_ID": self.user_pool_client.user_pool_client_id,
            "WEBHOOK_SECRET_PREFIX": stage_prefix(stage.name),
            "ALERT_SENDER": stage.alert_sender,
            ALERT_CONFIGURATION_SET.env_var: self.alert_mail.configuration_set_name,
            "POWERTOOLS_SERVICE_NAME": "pooldesk",
            "POWERTOOLS_METRICS_NAMESPACE": self.metrics_namespace,
            "POWERTOOLS_LOG_LEVEL": "INFO",
        }
        self.chalice = Chalice(
            self,
            "App",
            source_dir=str(ROOT),
            stage_config={
                "api_gateway_stage": "api",
                "environment_variables": environment,
                "lambda_timeout": 30,
                "lambda_memory_size": 512,
                "xray": True,
                # Roles are ours, one per function (below); Chalice's would be one for all.
                "manage_iam_role": False,
                "iam_role_arn": self.roles["APIHandler"].role_arn,
            },
        )
        for name in chalice_functions():
            self._function_logs(name, removal)
        self._assign_roles()
        # Reading every pool's whole ledger takes longer than any request may.
        reconcile = self.chalice.get_resource("ReconcileLedgers")
        reconcile.add_property_override("Timeout", 900)
        reconcile.add_property_override("MemorySize", 1024)
        self._event_source_mappings()
        self.distribution = self._web_hosting(removal)
        self._live_endpoints()
        self._rest_api(removal)
        self._alarms()
        self.dashboard = self._dashboard()
        for name, value in {
            "UserPoolId": self.user_pool.user_pool_id,
            "UserPoolClientId": self.user_pool_client.user_pool_client_id,
            "AlarmTopicArn": self.alarm_topic.topic_arn,
            "AppUrl": f"https://{self.distribution.distribution_domain_name}",
            "DashboardName": self.dashboard.dashboard_name,
        }.items():
            cdk.CfnOutput(self, name, value=value)
        nag.suppress(self)

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

    # -- sign-in --------------------------------------------------------------------

    def _cognito(self, removal: cdk.RemovalPolicy) -> tuple[cognito.UserPool, cognito.UserPoolClient]:
        pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=False,  # managers and finance staff are invited
            sign_in_aliases=cognito.SignInAliases(email=True),
            standard_attributes=cognito.StandardAttributes(email=cognito.StandardAttribute(required=True, mutable=False)),
            password_policy=cognito.PasswordPolicy(
                min_length=12, require_digits=True, require_lowercase=True, require_uppercase=True, require_symbols=True
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(sms=False, otp=True),
            deletion_protection=self.stage.retain_data,
            removal_policy=removal,
        )
        for group in USER_GROUPS:
            cognito.CfnUserPoolGroup(self, f"{group.capitalize()}Group", user_pool_id=pool.user_pool_id, group_name=group)
        client = pool.add_client(
            "WebClient",
            generate_secret=False,  # a public client: the browser app signs in through the API
            auth_flows=cognito.AuthFlow(user_password=True),
            access_token_validity=cdk.Duration.hours(1),
            refresh_token_validity=cdk.Duration.days(30),
            prevent_user_existence_errors=True,
        )
        return pool, client

    # -- mail and secrets -------------------------------------------------------------

    def _alert_mail(self) -> ses.ConfigurationSet:
        """The alert sender's identity and a configuration set that tracks
        reputation and suppresses addresses that bounce or complain."""
        configuration_set = ses.ConfigurationSet(
            self,
            "AlertMail",
            configuration_set_name=f"{ALERT_CONFIGURATION_SET.default_name}-{self.stage.name}",
            reputation_metrics=True,
            sending_enabled=True,
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
            tls_policy=ses.ConfigurationSetTlsPolicy.REQUIRE,
        )
        ses.EmailIdentity(
            self,
            "AlertSender",
            identity=ses.Identity.email(self.stage.alert_sender),
            configuration_set=configuration_set,
        )
        return configuration_set

    def _webhook_secrets(self, removal: cdk.RemovalPolicy) -> dict[str, secretsmanager.Secret]:
        """One secret per brokerage, holding {"secrets": [current, previous]}.

        They start empty, so webhooks from that broker are refused until
        `make webhook-secret` puts a key in and prints it for the broker."""
        return {
            broker: secretsmanager.Secret(
                self,
                f"WebhookSecret{broker.capitalize()}",
                secret_name=secret_name(self.stage.name, broker),
                description=f"Signing keys for {broker}'s webhooks (current first, then the previous one)",
                secret_string_value=cdk.SecretValue.unsafe_plain_text(json.dumps({"secrets": []})),
                removal_policy=removal,
            )
            for broker in self.stage.brokers
        }

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

    # -- the web app and the API on one origin ----------------------------------------------

    def _web_hosting(self, removal: cdk.RemovalPolicy) -> cloudfront.Distribution:
        """web/dist from a private bucket behind CloudFront (origin access control),
        with the REST API behind the same distribution, so the browser app and the
        API share one origin as they do locally."""
        dist = ROOT / "web" / "dist"
        if not (dist / "index.html").is_file():
            raise SystemExit("web/dist is not built: run `make web` first (make synth does)")
        # Who fetched what, from the bucket and through CloudFront, kept as long as the logs.
        self.access_logs_bucket = self._private_bucket(
            "AccessLogsBucket",
            removal,
            # CloudFront's standard logs are delivered with an ACL.
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycle_rules=[s3.LifecycleRule(expiration=cdk.Duration.days(self.stage.log_retention_days))],
        )
        # CDK grants S3's log delivery by ACL here; CloudFront's standard logs need ACLs anyway.
        log_bucket_resource = self.access_logs_bucket.node.default_child
        assert isinstance(log_bucket_resource, cdk.CfnResource)
        log_bucket_resource.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3045"]}})
        bucket = self._private_bucket(
            "WebBucket", removal, server_access_logs_bucket=self.access_logs_bucket, server_access_logs_prefix="web-bucket/"
        )
        csp = web_content_security_policy("wss://*.execute-api.*.amazonaws.com")
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=csp, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=cdk.Duration.days(365), include_subdomains=True, override=True
                ),
            ),
        )
        rest_api = self.chalice.get_resource("RestAPI")
        api_origin = origins.HttpOrigin(f"{rest_api.ref}.execute-api.{self.region}.{self.url_suffix}", origin_path="/api")
        api_behavior = cloudfront.BehaviorOptions(
            origin=api_origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            # Everything but the Host header reaches API Gateway (Authorization, Idempotency-Key, signatures).
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        )
        distribution = cloudfront.Distribution(
            self,
            "Web",
            comment=f"Pooldesk {self.stage.name}",
            default_root_object="index.html",
            enable_logging=True,
            log_bucket=self.access_logs_bucket,
            log_file_prefix="cloudfront/",
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                response_headers_policy=headers,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
            ),
            additional_behaviors={pattern: api_behavior for pattern in api_path_patterns([r.path for r in routes])},
        )
        s3deploy.BucketDeployment(
            self,
            "WebFiles",
            sources=[s3deploy.Source.asset(str(dist))],
            destination_bucket=bucket,
            distribution=distribution,
            distribution_paths=["/index.html"],
            prune=True,
        )
        return distribution

    def _private_bucket(self, construct_id: str, removal: cdk.RemovalPolicy, **options: Any) -> s3.Bucket:
        """No public access, encrypted, TLS only; emptied with the stack where the stage lets data go."""
        return s3.Bucket(
            self,
            construct_id,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            removal_policy=removal,
            auto_delete_objects=not self.stage.retain_data,
            **options,
        )

    def _live_endpoints(self) -> None:
        """Every function learns the WebSocket endpoints, and those that email
        learn the app's URL; both exist only once the Chalice app and the
        distribution do."""
        websocket_api = self.chalice.get_resource("WebsocketAPI").ref
        host = f"{websocket_api}.execute-api.{self.region}.{self.url_suffix}"
        app_url = f"https://{self.distribution.distribution_domain_name}"
        for name in chalice_functions():
            function = self.chalice.get_resource(name)
            function.add_property_override("Environment.Variables.WEBSOCKET_URL", f"wss://{host}/api")
            function.add_property_override("Environment.Variables.WEBSOCKET_MANAGEMENT_URL", f"https://{host}/api")
            # The distribution sits in front of the REST API, so the API's own
            # handler cannot name it without a cycle; it sends no email anyway.
            if name != "APIHandler":
                function.add_property_override("Environment.Variables.APP_URL", app_url)

    # -- the REST API --------------------------------------------------------------------

    def _rest_api(self, removal: cdk.RemovalPolicy) -> None:
        """A stable name (alarms and the dashboard find the API by it), throttling
        and access logs sized by stage, and X-Ray tracing."""
        self.api_name = f"pooldesk-{self.stage.name}"
        access_logs = logs.LogGroup(
            self, "ApiAccessLogs", retention=LOG_RETENTION[self.stage.log_retention_days], removal_policy=removal
        )
        # API Gateway writes access logs through one role per account and region.
        self.api_logging_role = api_logging_role = iam.Role(
            self,
            "ApiGatewayLoggingRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonAPIGatewayPushToCloudWatchLogs")
            ],
        )
        account = apigateway.CfnAccount(self, "ApiGatewayAccount", cloud_watch_role_arn=api_logging_role.role_arn)
        rest_api = self.chalice.get_resource("RestAPI")
        rest_api.node.add_dependency(account)
        rest_api.add_property_override("Name", self.api_name)
        rest_api.add_property_override("TracingEnabled", True)
        rest_api.add_property_override(
            "AccessLogSetting",
            {
                "DestinationArn": access_logs.log_group_arn,
                # Who, what and how it went; never headers, bodies or query strings.
                "Format": json.dumps(
                    {
                        "requestId": "$context.requestId",
                        "ip": "$context.identity.sourceIp",
                        "method": "$context.httpMethod",
                        "resource": "$context.resourcePath",
                        "status": "$context.status",
                        "latencyMs": "$context.responseLatency",
                        "time": "$context.requestTimeEpoch",
                    }
                ),
            },
        )
        websocket_stage = self.chalice.get_resource("WebsocketAPIStage")
        assert isinstance(websocket_stage, apigatewayv2.CfnStage)
        websocket_stage.access_log_settings = apigatewayv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=access_logs.log_group_arn,
            format=json.dumps(
                {
                    "requestId": "$context.requestId",
                    "ip": "$context.identity.sourceIp",
                    "route": "$context.routeKey",
                    "event": "$context.eventType",
                    "connectionId": "$context.connectionId",
                    "status": "$context.status",
                    "time": "$context.requestTimeEpoch",
                }
            ),
        )
        websocket_stage.node.add_dependency(account)
        # What API Gateway answers itself (an unknown route, a throttled client, its own
        # faults) in the API's error shape, with the headers every answer carries; in the
        # API's definition, so every deployment has them.
        rest_api.add_property_override("DefinitionBody.x-amazon-apigateway-gateway-responses", gateway_responses())
        rest_api.add_property_override(
            "MethodSettings",
            [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": self.stage.api_rate_limit,
                    "ThrottlingBurstLimit": self.stage.api_burst_limit,
                    "LoggingLevel": "ERROR",
                    "MetricsEnabled": True,
                }
            ],
        )

    # -- alarms and the dashboard -----------------------------------------------------------

    def _alarm(self, construct_id: str, metric: cloudwatch.IMetric, threshold: float, description: str, periods: int = 1) -> None:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            metric=metric,
            threshold=threshold,
            evaluation_periods=periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=f"{description} (docs/runbook.md#{construct_id.lower()})",
        )
        alarm.add_alarm_action(cw_actions.SnsAction(self.alarm_topic))

    def _lambda_metric(self, name: str, metric: str, statistic: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="AWS/Lambda",
            metric_name=metric,
            dimensions_map={"FunctionName": self.chalice.get_resource(name).ref},
            statistic=statistic,
            period=cdk.Duration.minutes(5),
        )

    def _api_metric(self, metric: str, statistic: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="AWS/ApiGateway",
            metric_name=metric,
            dimensions_map={"ApiName": self.api_name, "Stage": "api"},
            statistic=statistic,
            period=cdk.Duration.minutes(5),
        )

    def _business_metric(self, metric: str) -> cloudwatch.Metric:
        """A count the handlers emit (chalicelib/observability.py), summed per 5 minutes."""
        return cloudwatch.Metric(
            namespace=self.metrics_namespace,
            metric_name=metric,
            dimensions_map={"service": "pooldesk"},
            statistic="Sum",
            period=cdk.Duration.minutes(5),
        )

    def _alarms(self) -> None:
        """Beyond the dead-letter queues' own alarms: every function's errors and
        throttles, how far behind each stream consumer is, the API's 5xx rate and
        the alert sender's bounce rate. Each names its runbook entry."""
        for name in chalice_functions():
            self._alarm(f"{name}Errors", self._lambda_metric(name, "Errors", "Sum"), 0, f"{name} raised errors")
            self._alarm(f"{name}Throttles", self._lambda_metric(name, "Throttles", "Sum"), 0, f"{name} was throttled")
        for consumer in STREAM_CONSUMERS:
            name = function_logical_id(consumer.function)
            # Prices go stale within a minute; pool changes and alerts may lag a little longer.
            behind = 60_000 if isinstance(consumer.source, KinesisStream) else 300_000
            self._alarm(
                f"{name}IteratorAge",
                self._lambda_metric(name, "IteratorAge", "Maximum"),
                behind,
                f"{name} is more than {behind // 1000} s behind its stream",
                periods=2,
            )
        for stream in self.streams.values():
            self._alarm(
                f"{stream.node.id}IteratorAge",
                stream.metric_get_records_iterator_age_milliseconds(statistic="Maximum", period=cdk.Duration.minutes(5)),
                60_000,
                "market data is waiting more than a minute to be read",
                periods=2,
            )
        self._alarm("Api5xxRate", self._api_metric("5XXError", "Average"), 0.01, "over 1% of API requests failed with 5xx", 2)
        self._alarm(
            "LedgerDrift",
            self._business_metric("PoolsDrifted"),
            0,
            "the nightly reconciliation found a pool whose balances its ledger does not explain",
        )
        self._alarm(
            "AlertMailBounceRate",
            cloudwatch.Metric(namespace="AWS/SES", metric_name="Reputation.BounceRate", statistic="Maximum"),
            0.05,
            "over 5% of alert emails bounce; SES may pause sending",
        )

    def _dashboard(self) -> cloudwatch.Dashboard:
        """The pipeline on one screen: API, money, market data, webhooks, pushes and alerts, and health."""

        def graph(title: str, metrics: list[cloudwatch.IMetric], width: int = 8) -> cloudwatch.GraphWidget:
            return cloudwatch.GraphWidget(title=title, left=metrics, width=width, height=6)

        functions = chalice_functions()
        dashboard = cloudwatch.Dashboard(self, "Pipeline", dashboard_name=f"pooldesk-{self.stage.name}")
        dashboard.add_widgets(
            graph("API requests and errors", [self._api_metric(m, "Sum") for m in ("Count", "4XXError", "5XXError")]),
            graph("API latency p99 (ms)", [self._api_metric("Latency", "p99"), self._api_metric("IntegrationLatency", "p99")]),
            graph(
                "Money moved (entries)",
                [self._business_metric(m) for m in ("Contributions", "Withdrawals", "Distributions", "Trades")],
            ),
        )
        dashboard.add_widgets(
            graph("Market data", [self._business_metric(m) for m in ("TicksProcessed", "PoolsRevalued", "TicksMalformed")]),
            graph(
                "Webhooks",
                [
                    self._business_metric(m)
                    for m in (
                        "WebhooksAccepted",
                        "WebhooksDuplicate",
                        "WebhooksRejected",
                        "WebhookEventsApplied",
                        "WebhookEventsParked",
                    )
                ],
            ),
            graph(
                "Pushes and alerts", [self._business_metric(m) for m in ("PushesSent", "PushesGone", "AlertsSent", "DeadLetters")]
            ),
        )
        consumers = [function_logical_id(c.function) for c in STREAM_CONSUMERS]
        dashboard.add_widgets(
            graph("Consumers behind their streams (ms)", [self._lambda_metric(n, "IteratorAge", "Maximum") for n in consumers]),
            graph("Function errors", [self._lambda_metric(n, "Errors", "Sum") for n in functions]),
            graph(
                "Dead letters waiting",
                [q.metric_approximate_number_of_messages_visible(period=cdk.Duration.minutes(1)) for q in self.queues.values()],
            ),
        )
        return dashboard

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
