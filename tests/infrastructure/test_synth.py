"""The CDK app synthesizes both stages from the shared declarations, with the
delivery guarantees and protections the architecture asks for, and cfn-lint
finds nothing wrong with the template."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from chalicelib.resources import QUEUES, ROUTE_NOT_FOUND, STREAM_CONSUMERS, TABLES
from infrastructure.access import FUNCTION_ACCESS, chalice_functions
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
        "POOLDESK_ALERT_SENDER": "alerts@example.com",
        "POOLDESK_BROKERS": "demo,acme",
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


def test_sign_in_has_every_group_and_a_public_client(synthesized: tuple[str, Template, Path]) -> None:
    _, template, _ = synthesized
    groups = sorted(g["Properties"]["GroupName"] for g in resources(template, "AWS::Cognito::UserPoolGroup").values())
    assert groups == ["finance", "investors", "managers"]
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
    assert len(functions) == 10
    for name, function in functions.items():
        env = function["Properties"]["Environment"]["Variables"]
        assert {"WEBSOCKET_URL", "WEBSOCKET_MANAGEMENT_URL"} <= set(env)
        # Links in alert emails point at the distribution (the API handler sends no email).
        assert ("APP_URL" in env) is (not name.startswith("APIHandler")), name


def test_ledgers_are_reconciled_every_night(synthesized: tuple[str, Template, Path]) -> None:
    _, template, _ = synthesized
    function = template.find_resources("AWS::Serverless::Function")["ReconcileLedgers"]
    assert function["Properties"]["Handler"] == "app.reconcile_ledgers"
    assert function["Properties"]["Timeout"] == 900  # Lambda's limit: every pool's whole ledger is read
    assert function["Properties"]["Events"]["ReconcileLedgersEvent"] == {
        "Type": "Schedule",
        "Properties": {"Schedule": "cron(0 2 * ? * *)"},
    }


def test_the_api_is_throttled_by_stage(synthesized: tuple[str, Template, Path]) -> None:
    stage, template, _ = synthesized
    (api,) = resources(template, "AWS::Serverless::Api").values()
    (settings,) = api["Properties"]["MethodSettings"]
    expected = STAGES[stage]
    assert settings["ThrottlingRateLimit"] == expected.api_rate_limit
    assert settings["ThrottlingBurstLimit"] == expected.api_burst_limit


def test_what_the_gateway_answers_itself_is_in_the_apis_error_shape(synthesized: tuple[str, Template, Path]) -> None:
    _, template, _ = synthesized
    (api,) = resources(template, "AWS::Serverless::Api").values()
    answers = api["Properties"]["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    unknown = answers["MISSING_AUTHENTICATION_TOKEN"]
    assert unknown["statusCode"] == "404"
    assert json.loads(unknown["responseTemplates"]["application/json"]) == ROUTE_NOT_FOUND.body()
    for kind, answer in answers.items():
        assert answer["responseParameters"]["gatewayresponse.header.X-Content-Type-Options"] == "'nosniff'", kind
        rendered = answer["responseTemplates"]["application/json"].replace("$context.error.messageString", '"a message"')
        assert set(json.loads(rendered)["error"]) == {"code", "message", "field"}, kind
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "THROTTLED"} <= answers.keys()


def functions_of(template: Template) -> dict[str, Any]:
    return resources(template, "AWS::Serverless::Function")


def role_statements(template: Template, role_id: str) -> list[dict[str, Any]]:
    """Every statement of every policy attached to a role."""
    statements = []
    for policy in resources(template, "AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def table_of(resource: Any) -> str | None:
    """The declared table a policy resource points at, if any."""
    text = json.dumps(resource)
    return next((t.logical_id for t in TABLES if f'"{t.logical_id}' in text), None)


STREAM_READS = {"dynamodb:GetRecords", "dynamodb:DescribeStream", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}
ITEM_WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
ITEM_READS = {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem"}


def test_each_function_has_its_own_role_with_only_what_it_declares(synthesized: tuple[str, Template, Path]) -> None:
    _, template, _ = synthesized
    functions = functions_of(template)
    roles = {name: f["Properties"]["Role"]["Fn::GetAtt"][0] for name, f in functions.items()}
    assert sorted(roles) == sorted(chalice_functions())
    assert len(set(roles.values())) == len(roles), "no two functions share a role"
    for name, role_id in roles.items():
        declared = {t.logical_id: level for t, level in FUNCTION_ACCESS[name].tables}
        statements = role_statements(template, role_id)
        for statement in statements:
            actions = as_list(statement["Action"])
            assert not any(a == "*" or a.endswith(":*") for a in actions), (name, actions)
            # Reading a table's stream is the event source mapping's, not a data action.
            data_actions = {a for a in actions if a.startswith("dynamodb:")} - STREAM_READS
            if not data_actions:
                continue
            for resource in as_list(statement["Resource"]):
                assert resource != "*", (name, actions)
                table = table_of(resource)
                assert table in declared, f"{name} may use {table}, which it does not declare"
                if declared[table] == "read":
                    assert not ITEM_WRITES & data_actions, (name, table)
                if declared[table] == "write":
                    assert not ITEM_READS & data_actions, (name, table)
        granted = {a for st in statements for a in as_list(st["Action"])}
        access = FUNCTION_ACCESS[name]
        assert ("secretsmanager:GetSecretValue" in granted) is access.webhook_secrets, name
        assert ("ses:SendEmail" in granted) is access.send_email, name
        assert ("cognito-idp:ListUsersInGroup" in granted) is access.finance_directory, name
        assert ("cognito-idp:ListUsers" in granted) is access.user_directory, name
        assert ("execute-api:ManageConnections" in granted) is access.push, name


def test_the_prices_consumer_cannot_touch_events_or_connections(synthesized: tuple[str, Template, Path]) -> None:
    _, template, _ = synthesized
    role_id = functions_of(template)["ApplyMarketTicks"]["Properties"]["Role"]["Fn::GetAtt"][0]
    touched = {table_of(r) for st in role_statements(template, role_id) for r in as_list(st["Resource"])}
    assert touched - {None} == {"PoolsTable"}


def test_functions_trace_and_log_to_their_own_groups_kept_by_stage(synthesized: tuple[str, Template, Path]) -> None:
    stage, template, _ = synthesized
    groups = resources(template, "AWS::Logs::LogGroup")
    for function in functions_of(template).values():
        props = function["Properties"]
        assert props["Tracing"] == "Active"
        group = groups[props["LoggingConfig"]["LogGroup"]["Ref"]]
        assert group["Properties"]["RetentionInDays"] == STAGES[stage].log_retention_days
        assert props["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"] == f"Pooldesk/{stage}"


def test_event_source_mappings_wait_for_their_roles_policy(synthesized: tuple[str, Template, Path]) -> None:
    _, template, _ = synthesized
    for mapping in resources(template, "AWS::Lambda::EventSourceMapping").values():
        assert any("DefaultPolicy" in d for d in mapping.get("DependsOn", [])), mapping


def test_alarms_cover_errors_throttles_lag_and_the_api(synthesized: tuple[str, Template, Path]) -> None:
    _, template, _ = synthesized
    alarms = [a["Properties"] for a in resources(template, "AWS::CloudWatch::Alarm").values()]
    by_metric: dict[str, int] = {}
    for alarm in alarms:
        by_metric[alarm["MetricName"]] = by_metric.get(alarm["MetricName"], 0) + 1
        assert alarm["AlarmActions"], alarm
        assert "docs/runbook.md#" in alarm["AlarmDescription"]
    functions = len(chalice_functions())
    assert by_metric["Errors"] == functions and by_metric["Throttles"] == functions
    assert by_metric["IteratorAge"] == len(STREAM_CONSUMERS)
    assert by_metric["GetRecords.IteratorAgeMilliseconds"] == 1
    assert by_metric["5XXError"] == 1 and by_metric["Reputation.BounceRate"] == 1
    assert by_metric["ApproximateNumberOfMessagesVisible"] == len(QUEUES)
    template.resource_count_is("AWS::CloudWatch::Dashboard", 1)


def test_every_alarm_has_a_runbook_entry(synthesized: tuple[str, Template, Path]) -> None:
    _, template, _ = synthesized
    runbook = (ROOT / "docs" / "runbook.md").read_text().lower()
    for alarm in resources(template, "AWS::CloudWatch::Alarm").values():
        anchor = alarm["Properties"]["AlarmDescription"].split("docs/runbook.md#")[1].rstrip(")")
        assert f'<a id="{anchor}"></a>' in runbook or f'<a name="{anchor}"></a>' in runbook, anchor


def test_mail_and_broker_secrets(synthesized: tuple[str, Template, Path]) -> None:
    stage, template, _ = synthesized
    template.has_resource_properties("AWS::SES::EmailIdentity", {"EmailIdentity": "alerts@example.com"})
    (config_set,) = resources(template, "AWS::SES::ConfigurationSet").values()
    assert config_set["Properties"]["ReputationOptions"] == {"ReputationMetricsEnabled": True}
    names = sorted(s["Properties"]["Name"] for s in resources(template, "AWS::SecretsManager::Secret").values())
    assert names == [f"pooldesk/webhooks/{stage}/acme", f"pooldesk/webhooks/{stage}/demo"]


def test_cdk_nag_finds_nothing_unexplained(synthesized: tuple[str, Template, Path]) -> None:
    _, _, path = synthesized
    (report,) = path.parent.glob("AwsSolutions-*NagReport.csv")
    rows = list(csv.DictReader(report.open()))
    assert rows, "cdk-nag ran"
    open_findings = [(r["Rule ID"], r["Resource ID"]) for r in rows if r["Compliance"] == "Non-Compliant"]
    assert open_findings == []
    for row in rows:
        if row["Compliance"] == "Suppressed":
            assert len(row["Exception Reason"]) > 30, row


def test_the_functions_package_carries_bytecode_whatever_its_timestamps(synthesized: tuple[str, Template, Path]) -> None:
    # Without it, every cold start compiles every module on Lambda's read-only disk (bench/cold_start.py).
    _, _, path = synthesized
    (package,) = (path.parent.parent / "chalice.out").glob("*/deployment.zip")
    tag = sys.implementation.cache_tag
    with zipfile.ZipFile(package) as zipped:
        names = set(zipped.namelist())
        for source in ("app.py", "chalicelib/wiring.py", "chalicelib/consumers/market_ticks.py", "pydantic/main.py"):
            folder, _, module = source.rpartition("/")
            compiled = f"{folder + '/' if folder else ''}__pycache__/{module[:-3]}.{tag}.pyc"
            assert source in names and compiled in names, compiled
            header = zipped.read(compiled)[:16]
            assert header[:4] == importlib.util.MAGIC_NUMBER
            assert int.from_bytes(header[4:8], "little") == 0b01  # PEP 552: hash-based, not checked against the source
