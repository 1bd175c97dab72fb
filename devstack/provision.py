"""Provision AWS resources from the shared declarations, idempotently.

Used by the local stack against its moto server and by tests against
in-process moto: the same calls either way.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

from chalicelib.resources import (
    ALERT_CONFIGURATION_SET,
    KINESIS_STREAMS,
    PASSWORD_POLICY,
    QUEUES,
    TABLES,
    USER_GROUPS,
    Table,
    create_table_request,
)

USER_POOL_NAME = "pooldesk-users"
APP_CLIENT_NAME = "pooldesk-web"


@dataclass(frozen=True)
class DemoUser:
    email: str
    password: str
    group: str
    name: str


@dataclass(frozen=True)
class CognitoIds:
    user_pool_id: str
    client_id: str


def table_name(table: Table, prefix: str) -> str:
    return f"{prefix}{table.default_name}"


def provision_tables(dynamodb: Any, prefix: str = "") -> dict[str, str]:
    """Create every declared table that is missing; returns env var -> table name."""
    existing = set(dynamodb.list_tables().get("TableNames", []))
    names: dict[str, str] = {}
    for table in TABLES:
        name = table_name(table, prefix)
        names[table.env_var] = name
        if name in existing:
            continue
        dynamodb.create_table(**create_table_request(table, name))
        dynamodb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        if table.ttl_attribute:
            dynamodb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute}
            )
    return names


def provision_cognito(idp: Any, users: list[DemoUser]) -> CognitoIds:
    pools = idp.list_user_pools(MaxResults=60)["UserPools"]
    pool_id = next((p["Id"] for p in pools if p["Name"] == USER_POOL_NAME), None)
    if pool_id is None:
        pool_id = idp.create_user_pool(
            PoolName=USER_POOL_NAME,
            UsernameAttributes=["email"],
            AutoVerifiedAttributes=["email"],
            Policies={"PasswordPolicy": PASSWORD_POLICY.cognito()},
            AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        )["UserPool"]["Id"]
    clients = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    client_id = next((c["ClientId"] for c in clients if c["ClientName"] == APP_CLIENT_NAME), None)
    if client_id is None:
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=APP_CLIENT_NAME,
            GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            AccessTokenValidity=60,
            IdTokenValidity=60,
            RefreshTokenValidity=30,
            TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
            PreventUserExistenceErrors="ENABLED",
        )["UserPoolClient"]["ClientId"]
    groups = {g["GroupName"] for g in idp.list_groups(UserPoolId=pool_id)["Groups"]}
    for group in USER_GROUPS:
        if group not in groups:
            idp.create_group(UserPoolId=pool_id, GroupName=group)
    for user in users:
        ensure_user(idp, pool_id, user)
    return CognitoIds(pool_id, client_id)


def ensure_user(idp: Any, pool_id: str, user: DemoUser) -> str:
    """Create the user if missing, set a permanent password and its group; returns its sub."""
    try:
        found = idp.admin_get_user(UserPoolId=pool_id, Username=user.email)
    except idp.exceptions.UserNotFoundException:
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=user.email,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": user.email},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "name", "Value": user.name},
            ],
        )
        found = idp.admin_get_user(UserPoolId=pool_id, Username=user.email)
    idp.admin_set_user_password(UserPoolId=pool_id, Username=user.email, Password=user.password, Permanent=True)
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username=user.email, GroupName=user.group)
    attrs = {a["Name"]: a["Value"] for a in found.get("UserAttributes", [])}
    return str(attrs.get("sub", found["Username"]))


def provision_webhook_secrets(secretsmanager: Any, prefix: str, brokers: dict[str, list[str]]) -> None:
    """Each broker's signing secrets as {"secrets": [...]}, created or updated."""
    for broker, secrets in brokers.items():
        value = json.dumps({"secrets": secrets})
        try:
            secretsmanager.create_secret(Name=f"{prefix}{broker}", SecretString=value)
        except secretsmanager.exceptions.ResourceExistsException:
            secretsmanager.put_secret_value(SecretId=f"{prefix}{broker}", SecretString=value)


def provision_queues(sqs: Any) -> dict[str, str]:
    """Create the declared queues; returns env var -> queue URL."""
    return {q.env_var: sqs.create_queue(QueueName=q.default_name)["QueueUrl"] for q in QUEUES}


def provision_kinesis(kinesis: Any) -> dict[str, str]:
    """Create the declared Kinesis streams; returns env var -> stream name."""
    existing = set(kinesis.list_streams().get("StreamNames", []))
    for stream in KINESIS_STREAMS:
        if stream.default_name not in existing:
            kinesis.create_stream(StreamName=stream.default_name, ShardCount=stream.shards)
            kinesis.get_waiter("stream_exists").wait(StreamName=stream.default_name, WaiterConfig={"Delay": 1})
    return {s.env_var: s.default_name for s in KINESIS_STREAMS}


def provision_alert_mail(ses: Any, sender: str) -> dict[str, str]:
    """The alert sender's identity and the configuration set alerts go through."""
    ses.verify_email_identity(EmailAddress=sender)  # SES sends only from a verified identity (moto too)
    name = ALERT_CONFIGURATION_SET.default_name
    with contextlib.suppress(ses.exceptions.ConfigurationSetAlreadyExistsException):
        ses.create_configuration_set(ConfigurationSet={"Name": name})
    return {ALERT_CONFIGURATION_SET.env_var: name}
