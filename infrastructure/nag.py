"""cdk-nag (AwsSolutions) findings we accept, each with its reason.

Everything else the checks find is fixed in the stack; tests/infrastructure
fails on any finding that is neither fixed nor listed here. IAM wildcards are
suppressed only for the exact resources named (applies_to), so a new wildcard
still fails the build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from cdk_nag import NagPackSuppression, NagSuppressions
from chalice.cdk import Chalice

from .access import FUNCTION_ACCESS

if TYPE_CHECKING:
    _Stack: TypeAlias = cdk.Stack
else:  # a mixin of PooldeskStack, which is the cdk.Stack
    _Stack = object


def _why(rule: str, reason: str, applies_to: list[Any] | None = None) -> NagPackSuppression:
    return NagPackSuppression(id=f"AwsSolutions-{rule}", reason=reason, applies_to=applies_to)


# IAM5 findings on a function's role that are wildcards by construction, as
# cdk-nag spells them: a table's indexes, the role's own log group's streams,
# X-Ray (no resource-level permissions), and connections of our own WebSocket API.
FUNCTION_ROLE_WILDCARDS: list[Any] = [
    {"regex": r"/^Resource::<(PoolsTable|EventsTable|ConnectionsTable)[0-9A-F]{8}\.Arn>\/index\/\*$/g"},
    {"regex": r"/^Resource::<[A-Za-z]+Logs[0-9A-F]{8}\.Arn>:\*$/g"},
    "Resource::*",
    {
        "regex": r"/^Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<WebsocketAPI>"
        r"\/api\/\*\/@connections\/\*$/g"
    },
]


class AcceptedFindings(_Stack):
    """Part of PooldeskStack: the findings accepted on what the other parts made."""

    roles: dict[str, iam.Role]
    queues: dict[str, sqs.Queue]
    webhook_secrets: dict[str, secretsmanager.Secret]
    user_pool: cognito.UserPool
    chalice: Chalice
    distribution: cloudfront.Distribution
    access_logs_bucket: s3.Bucket
    api_logging_role: iam.Role

    def _accept_findings(self) -> None:
        stack = self
        for name in FUNCTION_ACCESS:
            NagSuppressions.add_resource_suppressions(
                stack.roles[name],
                [
                    _why(
                        "IAM5",
                        "Scoped to this function's own resources: the global secondary indexes of the tables it uses, "
                        "the log streams of its own log group, the connections of this stack's WebSocket API; "
                        "X-Ray's PutTraceSegments/PutTelemetryRecords take no resource.",
                        FUNCTION_ROLE_WILDCARDS,
                    )
                ],
                apply_to_children=True,
            )
        for queue in stack.queues.values():
            NagSuppressions.add_resource_suppressions(
                queue, [_why("SQS3", "This is the dead-letter queue: what lands here is emailed to finance and alarmed on.")]
            )
        for secret in stack.webhook_secrets.values():
            NagSuppressions.add_resource_suppressions(
                secret,
                [
                    _why(
                        "SMG4",
                        "A broker's signing key changes only when the broker takes the new one: `make webhook-secret` puts a "
                        "new current key and keeps the previous one valid until the broker switches (docs/runbook.md).",
                    )
                ],
            )
        NagSuppressions.add_resource_suppressions(
            stack.user_pool,
            [
                _why(
                    "COG2",
                    "TOTP is required of managers and finance by the API (a staff sign-in gets no token until an "
                    "authenticator is set up, and a staff token from a login without one is refused), and is optional "
                    "for investors, as the product asks. Cognito's MFA setting is one per user pool: ON would force it "
                    "on investors too.",
                ),
                _why("COG8", "Cognito's Plus plan (threat protection) is a cost decision left to the operator (docs/deploy.md)."),
            ],
        )
        for route in ("WebsocketConnectRoute", "WebsocketMessageRoute", "WebsocketDisconnectRoute"):
            NagSuppressions.add_resource_suppressions(
                stack.chalice.get_resource(route),
                [
                    _why(
                        "APIG4",
                        "$connect verifies the Cognito access token in the handler (API Gateway WebSocket authorizers run on "
                        "$connect only); messages and $disconnect belong to a connection that was verified.",
                    )
                ],
            )
        NagSuppressions.add_resource_suppressions(
            stack.distribution,
            [
                _why("CFR1", "Fund managers and finance staff work from anywhere; no country is refused."),
                _why(
                    "CFR2",
                    "No WAF yet: CloudFront web ACLs must live in us-east-1; the API is throttled by API Gateway and every "
                    "route but sign-in and signed webhooks needs a Cognito token.",
                ),
                _why(
                    "CFR4",
                    "The default *.cloudfront.net certificate cannot pin TLS 1.2; a custom domain with an ACM certificate "
                    "(docs/deploy.md) gets TLSv1.2_2021 as configured.",
                ),
            ],
        )
        NagSuppressions.add_resource_suppressions(
            stack.access_logs_bucket, [_why("S1", "This is the access-log bucket; logging it into itself would loop.")]
        )
        NagSuppressions.add_resource_suppressions(
            stack.api_logging_role,
            [_why("IAM4", "AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS provides for exactly this role.")],
        )
        # CDK's own providers (the web app's upload, emptying buckets in staging): CDK-managed code and roles.
        for child in stack.node.children:
            if child.node.id.startswith(("Custom::CDKBucketDeployment", "Custom::S3AutoDeleteObjects")):
                NagSuppressions.add_resource_suppressions(
                    child,
                    [
                        _why("IAM4", "CDK's provider uses AWSLambdaBasicExecutionRole for its own logs."),
                        _why("IAM5", "CDK's provider copies the web app from the asset bucket into the web bucket."),
                        _why("L1", "CDK pins the provider's runtime; it moves with aws-cdk-lib."),
                    ],
                    apply_to_children=True,
                )
