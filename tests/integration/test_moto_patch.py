"""The faster TransactWriteItems emulation must stay all-or-nothing."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.events import TABLE_NAME


def put(pk: str, sk: str, **attrs: Any) -> dict[str, Any]:
    item = {"PK": {"S": pk}, "SK": {"S": sk}, **{k: {"S": v} for k, v in attrs.items()}}
    return {"Put": {"TableName": TABLE_NAME, "Item": item, "ConditionExpression": "attribute_not_exists(PK)"}}


def count(db: Any) -> int:
    return int(db.scan(TableName=TABLE_NAME, Select="COUNT")["Count"])


def test_a_failed_condition_on_the_last_item_writes_nothing(dynamodb: Any) -> None:
    dynamodb.transact_write_items(TransactItems=[put("P", "existing")])
    with pytest.raises(ClientError) as exc:
        dynamodb.transact_write_items(TransactItems=[put("P", "new-1"), put("P", "new-2"), put("P", "existing")])
    reasons = [r["Code"] for r in exc.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "ConditionalCheckFailed"]
    assert count(dynamodb) == 1


def test_a_write_that_fails_midway_is_rolled_back(dynamodb: Any) -> None:
    dynamodb.transact_write_items(TransactItems=[put("P", "text", value="not a number")])
    bad_add = {
        "Update": {
            "TableName": TABLE_NAME,
            "Key": {"PK": {"S": "P"}, "SK": {"S": "text"}},
            "UpdateExpression": "ADD #v :n",
            "ExpressionAttributeNames": {"#v": "value"},
            "ExpressionAttributeValues": {":n": {"N": "1"}},
        }
    }
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(TransactItems=[put("P", "first"), bad_add])
    assert count(dynamodb) == 1
    assert dynamodb.get_item(TableName=TABLE_NAME, Key={"PK": {"S": "P"}, "SK": {"S": "text"}})["Item"]["value"] == {
        "S": "not a number"
    }


def test_two_operations_on_one_item_are_refused(dynamodb: Any) -> None:
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(TransactItems=[put("P", "same"), put("P", "same")])
    assert count(dynamodb) == 0
