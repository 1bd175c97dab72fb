"""The edge: the web app and the API on one CloudFront origin, the WebSocket
endpoints, and the REST API's names, limits, logs and gateway answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigatewayv2
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from chalice.cdk import Chalice

from app import routes
from chalicelib.resources import (
    API_RESPONSE_HEADERS,
    ROUTE_NOT_FOUND,
    web_content_security_policy,
)

from .access import chalice_functions
from .functions import LOG_RETENTION
from .stages import Stage

ROOT = Path(__file__).resolve().parents[1]

if TYPE_CHECKING:
    _Stack: TypeAlias = cdk.Stack
else:  # a mixin of PooldeskStack, which is the cdk.Stack
    _Stack = object


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


class Edge(_Stack):
    """Part of PooldeskStack (infrastructure/stack.py), which composes these mixins so
    every construct keeps its id, and so its logical id, in the one stack."""

    stage: Stage
    chalice: Chalice
    roles: dict[str, iam.Role]
    access_logs_bucket: s3.Bucket
    api_logging_role: iam.Role
    api_name: str
    distribution: cloudfront.Distribution

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
