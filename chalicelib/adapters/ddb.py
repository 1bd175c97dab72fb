"""DynamoDB's typed attribute values, to and from plain Python (Decimal for numbers)."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    """Typed attributes for a put or key; None values are left out (DynamoDB has no nulls we use)."""
    return {k: _serializer.serialize(v) for k, v in values.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def value(attribute: dict[str, Any]) -> Any:
    return _deserializer.deserialize(attribute)
