"""Reading moto's DynamoDB streams and shaping records as Lambda delivers them.

moto's stream records have no eventSourceARN and a datetime
ApproximateCreationDateTime; Lambda's have the ARN and epoch seconds.
"""

from __future__ import annotations

import base64
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
    """Reads every shard of a table's stream from the start, remembering where it
    got to; records come out shaped as Lambda delivers them."""

    def __init__(self, streams: Any, arn: str, region: str = "us-east-1") -> None:
        self._streams = streams
        self.arn = arn
        self._region = region
        self._iterators: dict[str, str] = {}

    def read(self, limit: int = 100) -> list[dict[str, Any]]:
        return [lambda_record(r, self.arn, self._region) for r in self.read_raw(limit)]

    def _shards(self) -> list[str]:
        desc = self._streams.describe_stream(StreamArn=self.arn)["StreamDescription"]
        return [s["ShardId"] for s in desc.get("Shards", [])]

    def read_raw(self, limit: int = 100) -> list[dict[str, Any]]:
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


def kinesis_lambda_record(record: dict[str, Any], shard: str, arn: str, region: str) -> dict[str, Any]:
    arrived = record.get("ApproximateArrivalTimestamp")
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": record["PartitionKey"],
            "sequenceNumber": record["SequenceNumber"],
            "data": base64.b64encode(record["Data"]).decode(),
            "approximateArrivalTimestamp": arrived.timestamp() if isinstance(arrived, datetime) else arrived,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{shard}:{record['SequenceNumber']}",
        "eventName": "aws:kinesis:record",
        "awsRegion": region,
        "eventSourceARN": arn,
    }


class KinesisReader:
    """Reads every shard of a Kinesis stream from where it stood at start (LATEST)."""

    def __init__(self, kinesis: Any, name: str, region: str, start: str = "LATEST") -> None:
        self._kinesis = kinesis
        self._name = name
        self._region = region
        self._start = start
        self.arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
        self._iterators: dict[str, str] = {}

    def read(self, limit: int = 100) -> list[dict[str, Any]]:
        shards = [s["ShardId"] for s in self._kinesis.list_shards(StreamName=self._name)["Shards"]]
        records: list[dict[str, Any]] = []
        for shard in shards:
            if shard not in self._iterators:
                self._iterators[shard] = self._kinesis.get_shard_iterator(
                    StreamName=self._name, ShardId=shard, ShardIteratorType=self._start
                )["ShardIterator"]
            resp = self._kinesis.get_records(ShardIterator=self._iterators[shard], Limit=limit)
            self._iterators[shard] = resp.get("NextShardIterator") or self._iterators[shard]
            records.extend(kinesis_lambda_record(r, shard, self.arn, self._region) for r in resp.get("Records", []))
        return records
