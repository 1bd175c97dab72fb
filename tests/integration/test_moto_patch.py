"""The faster TransactWriteItems emulation must stay all-or-nothing."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from devstack import moto_patches
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


def index_query(db: Any, value: str, **extra: Any) -> list[tuple[str, str]]:
    found, query = [], {"TableName": TABLE_NAME, "IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :v", **extra}
    query["ExpressionAttributeValues"] = {":v": {"S": value}, **query.get("ExpressionAttributeValues", {})}
    while True:
        page = db.query(**query)
        found += [(i["PK"]["S"], i["SK"]["S"]) for i in page["Items"]]
        if "LastEvaluatedKey" not in page:
            return found
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def scanned(db: Any, value: str) -> list[tuple[str, str]]:
    """What the index holds for ``value``, from a scan (which the patch leaves alone), in index order."""
    items = db.scan(TableName=TABLE_NAME, FilterExpression="GSI1PK = :v", ExpressionAttributeValues={":v": {"S": value}})["Items"]
    return [(i["PK"]["S"], i["SK"]["S"]) for i in sorted(items, key=lambda i: (i["GSI1SK"]["S"], i["PK"]["S"], i["SK"]["S"]))]


@pytest.mark.parametrize("from_groups", [False, True], ids=["moto's scan", "index groups"])
def test_index_queries_answer_from_the_index_exactly_as_a_scan_of_the_table(
    dynamodb: Any, from_groups: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moto_patches, "answer_from_groups", from_groups)
    used_before = getattr(moto_patches._answering, "groups_used", 0)

    def indexed(pk: str, sk: str, group: str, order: str) -> dict[str, Any]:
        return {"PK": {"S": pk}, "SK": {"S": sk}, "GSI1PK": {"S": group}, "GSI1SK": {"S": order}}

    def agree() -> None:
        for group in ("A", "B", "C"):
            assert index_query(dynamodb, group) == scanned(dynamodb, group)
            assert index_query(dynamodb, group, Limit=2) == scanned(dynamodb, group)  # page by page
            newest = index_query(dynamodb, group, ScanIndexForward=False)
            assert newest == scanned(dynamodb, group)[::-1]

    for n in range(6):
        dynamodb.put_item(TableName=TABLE_NAME, Item=indexed(f"P{n}", "x", "AB"[n % 2], f"{9 - n}"))
    agree()
    # An update that moves an item to another group, then one that takes it out of the index.
    dynamodb.update_item(
        TableName=TABLE_NAME,
        Key={"PK": {"S": "P0"}, "SK": {"S": "x"}},
        UpdateExpression="SET GSI1PK = :c",
        ExpressionAttributeValues={":c": {"S": "C"}},
    )
    agree()
    dynamodb.update_item(TableName=TABLE_NAME, Key={"PK": {"S": "P1"}, "SK": {"S": "x"}}, UpdateExpression="REMOVE GSI1PK")
    agree()
    dynamodb.delete_item(TableName=TABLE_NAME, Key={"PK": {"S": "P2"}, "SK": {"S": "x"}})
    agree()
    dynamodb.transact_write_items(TransactItems=[{"Put": {"TableName": TABLE_NAME, "Item": indexed("P9", "y", "C", "0")}}])
    agree()
    dynamodb.batch_write_item(RequestItems={TABLE_NAME: [{"PutRequest": {"Item": indexed("P8", "z", "B", "5")}}]})
    agree()
    # A cancelled transaction restores what it touched: the index forgets its writes too.
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE_NAME, "Item": indexed("P7", "w", "A", "1")}},
                {**put("P9", "y")},  # exists: the whole transaction is refused
            ]
        )
    agree()
    assert ("P7", "w") not in index_query(dynamodb, "A")
    assert (getattr(moto_patches._answering, "groups_used", 0) > used_before) == from_groups


def pages(db: Any, **query: Any) -> list[dict[str, Any]]:
    """Every page of a query, as DynamoDB answered it."""
    got, query = [], {"TableName": TABLE_NAME, **query}
    while True:
        page = db.query(**query)
        got.append({k: page.get(k) for k in ("Items", "Count", "ScannedCount", "LastEvaluatedKey")})
        if "LastEvaluatedKey" not in page:
            return got
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def test_table_queries_answer_from_the_partition_exactly_as_moto_does(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def item(pk: str, sk: str, n: int) -> dict[str, Any]:
        return {"PK": {"S": pk}, "SK": {"S": sk}, "n": {"N": str(n)}, "tag": {"S": "even" if n % 2 == 0 else "odd"}}

    keys = ["INVESTOR#a", "INVESTOR#b", "INVESTOR#c", "INVESTOR$", "INVESTOQ", "LEDGER#1", "LEDGER#2", "jane#1", "jane.s#1"]
    keys += ["janet#2", "zoë#3", "zoe#4", "INVESTOR#\U0001f600"]
    for n, sk in enumerate(keys):
        dynamodb.put_item(TableName=TABLE_NAME, Item=item("P", sk, n))
        dynamodb.put_item(TableName=TABLE_NAME, Item=item("Q", sk, n))
    queries: list[dict[str, Any]] = []
    for prefix in ("INVESTOR#", "INVESTOR", "jane", "zo", "LEDGER#3", "", "\U0001f600"):
        for limit in (None, 1, 2, 5):
            for forward in (True, False):
                query: dict[str, Any] = {
                    "KeyConditionExpression": "PK = :pk AND begins_with(SK, :p)" if prefix else "PK = :pk",
                    "ExpressionAttributeValues": {":pk": {"S": "P"}, **({":p": {"S": prefix}} if prefix else {})},
                    "ScanIndexForward": forward,
                    "ConsistentRead": True,
                }
                if limit:
                    query["Limit"] = limit
                queries.append(query)
    queries.append(
        {
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :p)",
            "FilterExpression": "tag = :t",
            "ProjectionExpression": "SK, n",
            "ExpressionAttributeValues": {":pk": {"S": "P"}, ":p": {"S": "INVESTOR"}, ":t": {"S": "odd"}},
            "Limit": 2,
        }
    )
    for condition in ("SK > :s", "SK >= :s", "SK < :s", "SK <= :s", "SK = :s", "SK BETWEEN :s AND :t"):
        for s in ("INVESTOR#b", "j", "LEDGER#1"):
            for limit in (None, 1, 3):
                for forward in (True, False):
                    values = {":pk": {"S": "P"}, ":s": {"S": s}, **({":t": {"S": "jane.z"}} if ":t" in condition else {})}
                    query = {
                        "KeyConditionExpression": f"PK = :pk AND {condition}",
                        "ExpressionAttributeValues": values,
                        "ScanIndexForward": forward,
                    }
                    queries.append({**query, "Limit": limit} if limit else query)

    def agree() -> None:
        for query in queries:
            monkeypatch.setattr(moto_patches, "answer_from_groups", False)
            theirs = pages(dynamodb, **query)
            monkeypatch.setattr(moto_patches, "answer_from_groups", True)
            assert pages(dynamodb, **query) == theirs, query

    agree()
    dynamodb.delete_item(TableName=TABLE_NAME, Key={"PK": {"S": "P"}, "SK": {"S": "INVESTOR#b"}})
    dynamodb.transact_write_items(TransactItems=[{"Put": {"TableName": TABLE_NAME, "Item": item("P", "INVESTOR#bb", 40)}}])
    agree()
    # A page's start key that is no longer there: the next page starts after where it was.
    monkeypatch.setattr(moto_patches, "answer_from_groups", True)
    first = dynamodb.query(
        TableName=TABLE_NAME,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
        ExpressionAttributeValues={":pk": {"S": "P"}, ":p": {"S": "INVESTOR#"}},
        Limit=2,
    )
    dynamodb.delete_item(TableName=TABLE_NAME, Key={"PK": {"S": "P"}, "SK": first["LastEvaluatedKey"]["SK"]})
    rest = dynamodb.query(
        TableName=TABLE_NAME,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
        ExpressionAttributeValues={":pk": {"S": "P"}, ":p": {"S": "INVESTOR#"}},
        ExclusiveStartKey=first["LastEvaluatedKey"],
    )
    assert [i["SK"]["S"] for i in rest["Items"]] == ["INVESTOR#c", "INVESTOR#\U0001f600"]
