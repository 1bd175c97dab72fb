"""The CDK app synthesizes both stages from the shared declarations, with the
delivery guarantees and protections the architecture asks for, and cfn-lint
finds nothing wrong with the template."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from chalicelib.resources import QUEUES, STREAM_CONSUMERS, TABLES
from infrastructure.stages import STAGES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", params=["staging", "prod"])
def synthesized(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Template, Path]]:
    # Synthesize in a child process, as `make synth` does: packaging the Chalice
    # app loads app.py with the stage's environment, which must not leak into
    # the other tests.
    work = tmp_path_factory.mktemp(f"cdk-{request.param}")
    env = {
        **os.environ,
        "POOLDESK_STAGE": request.param,
        "POOLDESK_ALARM_EMAIL": "ops@example.com",
        "CDK_OUTDIR": str(work / "cdk.out"),
        "AWS_DEFAULT_REGION": "us-east-1",
        "PYTHONPATH": str(ROOT),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "infrastructure.app"], cwd=work, env=env, capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    path = work / "cdk.out" / f"Pooldesk{request.param.capitalize()}.template.json"
    yield request.param, Template.from_json(json.loads(path.read_text())), path


def resources(template: Template, kind: str) -> dict[str, Any]:
    return dict(template.find_resources(kind))


def test_tables_come_from_the_declarations_with_recovery_and_encryption(synthesized: tuple[str, Template, Path]) -> None:
    stage, template, _ = synthesized
    tables = resources(template, "AWS::DynamoDB::Table")
    assert len(tables) == len(TABLES)
    for table in tables.values():
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["SSESpecification"] == {"SSEEnabled": True}
        if stage == "prod":
            assert table["DeletionPolicy"] == "Retain" and props["DeletionProtectionEnabled"] is True
        else:
            assert table["DeletionPolicy"] == "Delete"
    streams = sorted(t["Properties"].get("StreamSpecification", {}).get("StreamViewType", "") for t in tables.values())
    assert streams == sorted(t.stream_view or "" for t in TABLES)
    ttl = sorted(t["Properties"].get("TimeToLiveSpecification", {}).get("AttributeName", "") for t in tables.values())
    assert ttl == sorted(t.ttl_attribute or "" for t in TABLES)


def test_every_stream_consumer_reports_partial_failures_bisects_and_dead_letters(synthesized: tuple[str, Template, Path]) -> None:
    _, template, _ = synthesized
    mappings = [m["Properties"] for m in resources(template, "AWS::Lambda::EventSourceMapping").values()]
    streamed = [m for m in mappings if "DestinationConfig" in m]
    assert len(streamed) == len(STREAM_CONSUMERS)
    for m in streamed:
        assert m["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert m["BisectBatchOnFunctionError"] is True
        assert 0 < m["MaximumRetryAttempts"] <= 3
        assert m["MaximumRecordAgeInSeconds"] == 6 * 3600
        assert "OnFailure" in m["DestinationConfig"]
    assert sorted(m["BatchSize"] for m in streamed) == sorted(c.batch_size for c in STREAM_CONSUMERS)
    # The dead-letter consumer reads every DLQ, also with partial failures.
    queued = [m for m in mappings if "DestinationConfig" not in m]
    assert len(queued) == len(QUEUES)
    assert all(m["FunctionResponseTypes"] == ["ReportBatchItemFailures"] for m in queued)


def test_dead_letter_queues_are_encrypted_and_alarm_on_the_first_message(synthesized: tuple[str, Template, Path]) -> None:
    _, template, _ = synthesized
    queues = resources(template, "AWS::SQS::Queue")
    assert len(queues) == len(QUEUES)
    assert all(q["Properties"]["SqsManagedSseEnabled"] is True for q in queues.values())
    template.resource_properties_count_is(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Threshold": 0,
            "ComparisonOperator": "GreaterThanThreshold",
            "AlarmActions": Match.any_value(),
        },
        len(QUEUES),
    )
    template.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_market_data_is_encrypted_and_sized_by_stage(synthesized: tuple[str, Template, Path]) -> None:
    stage, template, _ = synthesized
    (stream,) = resources(template, "AWS::Kinesis::Stream").values()
    props = stream["Properties"]
    assert props["StreamEncryption"]["EncryptionType"] == "KMS"
    if stage == "prod":
        assert props["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    else:
        assert props["ShardCount"] == 1


def test_sign_in_has_both_groups_and_a_public_client(synthesized: tuple[str, Template, Path]) -> None:
    _, template, _ = synthesized
    groups = sorted(g["Properties"]["GroupName"] for g in resources(template, "AWS::Cognito::UserPoolGroup").values())
    assert groups == ["finance", "managers"]
    template.has_resource_properties("AWS::Cognito::UserPool", {"AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True}})
    template.has_resource_properties("AWS::Cognito::UserPoolClient", {"GenerateSecret": False})


def test_the_functions_get_their_configuration_from_the_stack(synthesized: tuple[str, Template, Path]) -> None:
    _, template, _ = synthesized
    functions = resources(template, "AWS::Serverless::Function") or resources(template, "AWS::Lambda::Function")
    api = next(f for name, f in functions.items() if name.startswith("APIHandler"))
    env = api["Properties"]["Environment"]["Variables"]
    for name in ("POOLS_TABLE", "EVENTS_TABLE", "CONNECTIONS_TABLE", "COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID"):
        assert isinstance(env[name], dict), f"{name} should reference the stack's resource, got {env[name]!r}"


def test_cfn_lint_finds_nothing(synthesized: tuple[str, Template, Path]) -> None:
    _, _, path = synthesized
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    # W3005: CDK's own custom-resource providers declare a DependsOn a GetAtt already implies (as in `make synth`).
    result = subprocess.run(
        [str(cfn_lint), "--ignore-checks", "W3005", "--", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(path.read_text())["Resources"]


def test_the_web_app_and_the_api_share_one_cloudfront_origin(synthesized: tuple[str, Template, Path]) -> None:
    _, template, _ = synthesized
    (distribution,) = resources(template, "AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    assert config["DefaultRootObject"] == "index.html"
    patterns = {b["PathPattern"] for b in config["CacheBehaviors"]}
    assert {"/pools", "/pools/*", "/auth/*", "/webhooks/*", "/config"} <= patterns
    assert all(b["ViewerProtocolPolicy"] == "https-only" for b in config["CacheBehaviors"])
    # The bucket is private: CloudFront reads it through origin access control.
    template.resource_count_is("AWS::CloudFront::OriginAccessControl", 1)
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            }
        },
    )
    template.has_resource_properties(
        "AWS::CloudFront::ResponseHeadersPolicy",
        {
            "ResponseHeadersPolicyConfig": {
                "SecurityHeadersConfig": Match.object_like({"FrameOptions": {"FrameOption": "DENY", "Override": True}})
            }
        },
    )


def test_every_function_knows_the_websocket_endpoints_and_the_app_url(synthesized: tuple[str, Template, Path]) -> None:
    _, template, _ = synthesized
    functions = resources(template, "AWS::Serverless::Function") or resources(template, "AWS::Lambda::Function")
    assert len(functions) == 9
    for name, function in functions.items():
        env = function["Properties"]["Environment"]["Variables"]
        assert {"WEBSOCKET_URL", "WEBSOCKET_MANAGEMENT_URL"} <= set(env)
        # Links in alert emails point at the distribution (the API handler sends no email).
        assert ("APP_URL" in env) is (not name.startswith("APIHandler")), name


def test_the_api_is_throttled_by_stage(synthesized: tuple[str, Template, Path]) -> None:
    stage, template, _ = synthesized
    (api,) = resources(template, "AWS::Serverless::Api").values()
    (settings,) = api["Properties"]["MethodSettings"]
    expected = STAGES[stage]
    assert settings["ThrottlingRateLimit"] == expected.api_rate_limit
    assert settings["ThrottlingBurstLimit"] == expected.api_burst_limit
