"""What each Lambda function may do in AWS, declared once as plain data.

The CDK stack gives every function its own role built from this table and
nothing else (least privilege); tests/integration/test_least_privilege.py runs
each function against moto, records the AWS calls its code makes, and holds
this table to exactly those calls: nothing missing (the function would fail in
AWS) and nothing unused (the role would be wider than it needs).

What the event source mappings need (reading a stream or queue, sending to the
on-failure queue) is added by the stack from STREAM_CONSUMERS and
QUEUE_CONSUMERS, as is writing logs and traces; neither is made by our code.

Importing this module must stay cheap: it imports no CDK.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from chalicelib.resources import CONNECTIONS_TABLE, EVENTS_TABLE, POOLS_TABLE, Table

TableAccess = Literal["read", "write", "read_write"]


@dataclass(frozen=True)
class FunctionAccess:
    tables: tuple[tuple[Table, TableAccess], ...] = ()
    # secretsmanager:GetSecretValue on this stage's broker webhook secrets.
    webhook_secrets: bool = False
    # ses:SendEmail from the alert sender, through the stage's configuration set.
    send_email: bool = False
    # cognito-idp:ListUsersInGroup on the user pool: who is in the finance group.
    finance_directory: bool = False
    # cognito-idp:ListUsers on the user pool: the name and email of who records a ledger entry.
    user_directory: bool = False
    # cognito-idp:AdminCreateUser, AdminAddUserToGroup and AdminGetUser on the user pool: inviting
    # people; AdminListGroupsForUser: finance's list of logins; AdminDisableUser, AdminEnableUser and
    # AdminUserGlobalSignOut: disabling a login.
    manage_users: bool = False
    # execute-api:ManageConnections on the WebSocket API: push to and drop connections.
    push: bool = False


def function_logical_id(function: str) -> str:
    """Chalice's logical id for a @app.lambda_function or @app.schedule name: apply_market_ticks -> ApplyMarketTicks."""
    return "".join(part.capitalize() for part in function.split("_"))


def chalice_functions() -> list[str]:
    """The logical ids of every function Chalice packages from app.py."""
    from app import app

    return (
        ["APIHandler", "WebsocketConnect", "WebsocketMessage", "WebsocketDisconnect"]
        + [function_logical_id(f.name) for f in app.pure_lambda_functions]
        + [function_logical_id(e.name) for e in app.event_sources]
    )


# Keyed by Chalice's logical id for the function (what `chalice package` names it).
FUNCTION_ACCESS: dict[str, FunctionAccess] = {
    # Every REST route. Sign-in is Cognito's public InitiateAuth (no IAM); a
    # webhook is verified against the broker's secret and stored in the events table;
    # each ledger entry names who recorded it, as the user directory knows them.
    # Finance invites staff and managers invite investors: the user is created in the pool and
    # emailed a temporary password. A WebSocket ticket is written to the connections table;
    # disabling a login hangs up its connections.
    "APIHandler": FunctionAccess(
        tables=((POOLS_TABLE, "read_write"), (EVENTS_TABLE, "read_write"), (CONNECTIONS_TABLE, "read_write")),
        webhook_secrets=True,
        user_directory=True,
        finance_directory=True,  # a manager's brokerage link is emailed to finance to approve
        manage_users=True,
        send_email=True,
        push=True,
    ),
    # $connect takes its single-use ticket (deleting it), checks the login is not disabled,
    # and records who is connected.
    "WebsocketConnect": FunctionAccess(tables=((CONNECTIONS_TABLE, "write"), (POOLS_TABLE, "read"))),
    # Subscribing checks that the user may see the pool; bad messages get an error reply.
    "WebsocketMessage": FunctionAccess(
        tables=((CONNECTIONS_TABLE, "read_write"), (POOLS_TABLE, "read")),
        push=True,
    ),
    "WebsocketDisconnect": FunctionAccess(tables=((CONNECTIONS_TABLE, "read_write"),)),
    # Applies brokerage events to pools; parks what cannot apply and emails finance about it.
    "ApplyWebhookEvents": FunctionAccess(
        # The event arrives in the stream record; only its status is written back.
        tables=((POOLS_TABLE, "read_write"), (EVENTS_TABLE, "write")),
        send_email=True,
        finance_directory=True,
    ),
    # Stores the latest prices and revalues the pools holding them.
    "ApplyMarketTicks": FunctionAccess(tables=((POOLS_TABLE, "read_write"),)),
    # Fans pool changes out to subscribers and forgets connections that are gone.
    "NotifyPoolChanges": FunctionAccess(tables=((CONNECTIONS_TABLE, "read_write"),), push=True),
    # Emails about large withdrawals, distributions and market moves, once per cause.
    "SendAlerts": FunctionAccess(
        tables=((POOLS_TABLE, "read_write"),),
        send_email=True,
        finance_directory=True,
    ),
    # Emails finance about every record a consumer gave up on, once per record.
    "AlertDeadLetters": FunctionAccess(
        tables=((POOLS_TABLE, "read_write"),),  # finance's own recipients; claims the alert, records it as sent
        send_email=True,
        finance_directory=True,
    ),
    # Nightly: reads every pool's state, investors, ledger and booked shares; emails
    # finance about drift (claiming each alert and logging it as sent).
    "ReconcileLedgers": FunctionAccess(
        tables=((POOLS_TABLE, "read_write"),),
        send_email=True,
        finance_directory=True,
    ),
}
