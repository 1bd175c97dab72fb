"""Alarms that reach a person (SNS email, each with its runbook entry) and the dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from chalice.cdk import Chalice

from chalicelib.resources import (
    STREAM_CONSUMERS,
    KinesisStream,
)

from .access import chalice_functions, function_logical_id
from .stages import Stage

if TYPE_CHECKING:
    _Stack: TypeAlias = cdk.Stack
else:  # a mixin of PooldeskStack, which is the cdk.Stack
    _Stack = object


class Monitoring(_Stack):
    """Part of PooldeskStack (infrastructure/stack.py), which composes these mixins so
    every construct keeps its id, and so its logical id, in the one stack."""

    stage: Stage
    metrics_namespace: str
    alarm_topic: sns.Topic
    queues: dict[str, sqs.Queue]
    streams: dict[str, kinesis.Stream]
    chalice: Chalice
    api_name: str
    distribution: cloudfront.Distribution

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
