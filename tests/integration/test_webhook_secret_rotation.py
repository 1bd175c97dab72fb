"""Rotating a broker's signing key keeps the previous one valid until retired."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from infrastructure.webhook_secret import retire, rotate, secret_name


def keys(client: Any, name: str) -> list[str]:
    return list(json.loads(client.get_secret_value(SecretId=name)["SecretString"])["secrets"])


def test_rotate_then_retire(aws: None) -> None:
    client = boto3.client("secretsmanager", region_name="us-east-1")
    name = secret_name("staging", "acme")
    client.create_secret(Name=name, SecretString=json.dumps({"secrets": []}))  # as the stack creates it
    with pytest.raises(SystemExit):
        retire(client, name)
    first = rotate(client, name)
    assert keys(client, name) == [first]
    second = rotate(client, name)
    assert keys(client, name) == [second, first]
    third = rotate(client, name)
    assert keys(client, name) == [third, second]  # only one previous key is ever kept
    assert len({first, second, third}) == 3 and len(third) >= 40
    retire(client, name)
    assert keys(client, name) == [third]
