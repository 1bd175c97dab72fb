from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

# Tests never reach real AWS: fake credentials and a fixed region before any client exists.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)

from moto import mock_aws

from devstack import moto_patches

moto_patches.install()

from chalicelib.resources import POOLS_TABLE, create_table_request  # noqa: E402
from tests.support.events import TABLE_NAME  # noqa: E402


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def dynamodb(aws: None) -> Any:
    client = boto3.client("dynamodb", region_name="us-east-1")
    client.create_table(**create_table_request(POOLS_TABLE, TABLE_NAME))
    return client
