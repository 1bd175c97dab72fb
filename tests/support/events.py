"""Lambda-shaped events for the consumers and WebSocket handlers, as AWS delivers them."""

from __future__ import annotations

import base64
import json
from itertools import count
from typing import Any

import boto3
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from devstack.streams import StreamReader, stream_arn, streams_client

# The tables the integration tests' stack provisions (devstack.provision with prefix "test-").
# The table the repository tests create directly (tests/conftest.py: the dynamodb fixture).
TABLE_NAME = "pooldesk-test-pools"
POOLS = "test-pooldesk-pools"
EVENTS = "test-pooldesk-events"


class TableStream:
    """A table's stream, read onward from where the last read stopped, as Lambda delivers it."""

    def __init__(self, table: str = POOLS) -> None:
        db = boto3.client("dynamodb", region_name="us-east-1")
        self.arn = stream_arn(db, table)
        self.reader = StreamReader(streams_client("us-east-1"), self.arn)

    def batch(self) -> dict[str, Any]:
        return {"Records": self.reader.read(limit=1000)}


_sequence = count(1)


def kinesis_batch(*ticks: dict[str, Any] | bytes) -> dict[str, Any]:
    records = []
    for tick in ticks:
        data = tick if isinstance(tick, bytes) else json.dumps(tick).encode()
        records.append(
            {
                "kinesis": {
                    "data": base64.b64encode(data).decode(),
                    "sequenceNumber": f"{next(_sequence):020d}",
                    "partitionKey": "x",
                },
                "eventSource": "aws:kinesis",
            }
        )
    return {"Records": records}


def ws_event(route: str, connection_id: str, *, ticket: str | None = None, body: str | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {
        "requestContext": {
            "routeKey": route,
            "connectionId": connection_id,
            "apiId": "local",
            "stage": "local",
            "domainName": "127.0.0.1:8001",
            "eventType": "CONNECT",
        },
        "isBase64Encoded": False,
    }
    if ticket is not None:
        event["queryStringParameters"] = {"ticket": ticket}
    if body is not None:
        event["body"] = body
    return event


def sent_emails() -> list[Any]:
    """What moto's SES has sent so far."""
    return list(ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages)


def events_table_items() -> int:
    db = boto3.client("dynamodb", region_name="us-east-1")
    return int(db.scan(TableName=EVENTS, Select="COUNT")["Count"])
