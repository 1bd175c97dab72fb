"""Reading moto's DynamoDB streams and shaping records as Lambda delivers them.

moto's stream records have no eventSourceARN and a datetime
ApproximateCreationDateTime; Lambda's have the ARN and epoch seconds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import boto3
from botocore.config import Config


def streams_client(region: str) -> Any:
    """botocore 1.44 sends DescribeStream to an account-id endpoint
    (<account>.streams-ddb...) that moto 5.2 does not route; turn that off."""
    return boto3.client("dynamodbstreams", region_name=region, config=Config(account_id_endpoint_mode="disabled"))


def stream_arn(dynamodb: Any, table: str) -> str:
    return str(dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"])


def lambda_record(record: dict[str, Any], arn: str, region: str) -> dict[str, Any]:
    body = dict(record["dynamodb"])
    created = body.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        body["ApproximateCreationDateTime"] = int(created.timestamp())
    return {
        "eventID": record.get("eventID", body.get("SequenceNumber", "")),
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": body,
        "eventSourceARN": arn,
    }


class StreamReader:
    """Reads every shard of a table's stream from the start, remembering where it got to."""

    def __init__(self, streams: Any, arn: str) -> None:
        self._streams = streams
        self.arn = arn
        self._iterators: dict[str, str] = {}

    def _shards(self) -> list[str]:
        desc = self._streams.describe_stream(StreamArn=self.arn)["StreamDescription"]
        return [s["ShardId"] for s in desc.get("Shards", [])]

    def read(self, limit: int = 100) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        for shard in self._shards():
            if shard not in self._iterators:
                self._iterators[shard] = self._streams.get_shard_iterator(
                    StreamArn=self.arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            resp = self._streams.get_records(ShardIterator=self._iterators[shard], Limit=limit)
            self._iterators[shard] = resp.get("NextShardIterator") or self._iterators[shard]
            records.extend(resp.get("Records", []))
        return records
