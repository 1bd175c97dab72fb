"""Pooldesk's AWS stack: the resources declared once in chalicelib/resources.py,
rendered for CDK, and the Chalice app wired to them.

The stack is composed of one part per area, each in its own module: the data
(data.py), sign-in, mail and secrets (identity.py), each function's role, logs
and stream mappings (functions.py), the web app, the APIs and their edge
(edge.py), alarms and the dashboard (monitoring.py), and the cdk-nag findings
accepted with their reasons (nag.py). Parts are mixins of this one stack, not
nested constructs, so every resource keeps its logical id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from chalicelib.resources import (
    ALERT_CONFIGURATION_SET,
    KINESIS_STREAMS,
    POOLS_TABLE,
    QUEUES,
    TABLES,
)

from .access import FUNCTION_ACCESS, chalice_functions
from .bytecode import ChaliceWithBytecode
from .data import Data
from .edge import Edge
from .functions import Functions
from .identity import Identity
from .monitoring import Monitoring
from .nag import AcceptedFindings
from .stages import Stage
from .webhook_secret import stage_prefix

ROOT = Path(__file__).resolve().parents[1]


class PooldeskStack(Data, Identity, Functions, Edge, Monitoring, AcceptedFindings, cdk.Stack):
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
        self.chalice = ChaliceWithBytecode(
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
            # Where `make deploy` finds the table to index for investor search (infrastructure/search_index.py).
            "PoolsTableName": self.tables[POOLS_TABLE.logical_id].table_name,
        }.items():
            cdk.CfnOutput(self, name, value=value)
        self._accept_findings()
