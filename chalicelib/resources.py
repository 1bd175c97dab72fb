"""AWS resources declared once, as plain data.

The local stack provisions moto from these declarations and the CDK stack
(infrastructure/) renders them into CloudFormation, so the two never drift.
Nothing here imports boto3 or CDK.

Items of the pools table (one partition per pool, ``PK = POOL#<pool id>``):

===========================  ==================================================
SK                           item
===========================  ==================================================
``STATE``                    the pool: cash, units, positions map, version.
                             GSI1 = manager's pools, GSI2 = every pool.
``HOLDS#<symbol>``           marks that the pool holds a symbol (GSI1 =
                             the pools holding a symbol, for revaluation).
``INVESTOR#<investor id>``   a membership: units, contributed, withdrawn, paid.
``LEDGER#<entry id>``        append-only ledger entry (ids sort by time).
``ALLOC#<entry>#<investor>`` one investor's share of a distribution.
``DIST#<entry>#<chunk>``     a distribution's allocations, stored with it.
``NAV#<timestamp>``          a NAV history point.
``IDEMP#<key>``              an Idempotency-Key and the entry it produced.
``BROKERAGE``                the brokerage account the pool is linked to.
``ORDER#<order id>``         a forward pool's order (ids sort by arrival).
``VALUATION#<id>``           a struck valuation; ``VALSET#<id>#<chunk>`` holds
                             its orders' settlements.
``APPROVAL#<id>``            a movement awaiting finance's approval (or decided).
                             GSI2 = every approval, finance's inbox.
``REQUEST#<id>``             an investor's withdrawal request (an instant pool).
``LOGIN#<investor id>``      the portal login linked to that investor record.
===========================  ==================================================

What Pooldesk keeps about each login lives at ``PK = ACCOUNT#<sub>``: its
standing (``STANDING``: disabled, signed out everywhere, authenticator set up),
its links to investor records (``MEMBER#<pool>#<investor>``) and its email
preferences (``PREFERENCES``); finance's own alert settings at
``PK = FIRM#OVERSIGHT``. Single-use WebSocket tickets (``TICKET#``), staff
sign-ins held until an authenticator is set up (``HELD#``) and each login's
live connections (``USER#<sub>``) live in the connections table.

A pool's investor search index lives beside it at ``PK = SEARCH#<pool id>``,
``SK = <term>#<investor id>``: one item per term an investor is found under
(domain/investor_search.py), written in the investor's own transaction, so a
search reads one range of sorted keys and no listing of the pool reads it.
``SEARCHINDEX``/``VERSION`` marks a table whose older investors were indexed.

A brokerage account's link to its pool lives at ``PK = BROKER#<broker>#<account>``,
``SK = LINK``, so an incoming event finds its pool with one read.

Both GSIs project keys only, so the frequent updates of ``STATE`` never write
to an index (no hot index partition) unless an index key changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: str
    sort_key: str
    projection: str = "KEYS_ONLY"


@dataclass(frozen=True)
class Table:
    logical_id: str
    env_var: str
    default_name: str
    partition_key: str
    sort_key: str
    stream_view: str | None = None
    ttl_attribute: str | None = None
    indexes: tuple[Index, ...] = field(default_factory=tuple)


POOLS_TABLE = Table(
    logical_id="PoolsTable",
    env_var="POOLS_TABLE",
    default_name="pooldesk-pools",
    partition_key="PK",
    sort_key="SK",
    stream_view="NEW_AND_OLD_IMAGES",
    ttl_attribute="expires_at",
    indexes=(
        Index(name="GSI1", partition_key="GSI1PK", sort_key="GSI1SK"),
        Index(name="GSI2", partition_key="GSI2PK", sort_key="GSI2SK"),
    ),
)

# Brokerage webhook events, stored once per (broker, event id) as they arrive;
# the table's stream feeds the consumer that applies them to pools.
EVENTS_TABLE = Table(
    logical_id="EventsTable",
    env_var="EVENTS_TABLE",
    default_name="pooldesk-events",
    partition_key="PK",
    sort_key="SK",
    stream_view="NEW_AND_OLD_IMAGES",
    indexes=(Index(name="GSI1", partition_key="GSI1PK", sort_key="GSI1SK"),),
)

# Live WebSocket connections and their pool subscriptions, expiring by TTL:
# CONN#<id>/META (who), CONN#<id>/SUB#<pool> and SUBS#<pool>/CONN#<id>.
CONNECTIONS_TABLE = Table(
    logical_id="ConnectionsTable",
    env_var="CONNECTIONS_TABLE",
    default_name="pooldesk-connections",
    partition_key="PK",
    sort_key="SK",
    ttl_attribute="expires_at",
)

TABLES: tuple[Table, ...] = (POOLS_TABLE, EVENTS_TABLE, CONNECTIONS_TABLE)

# Secrets Manager holds each broker's webhook signing secrets under this
# prefix, as {"secrets": ["current", "previous"]} so keys can rotate.
WEBHOOK_SECRET_PREFIX = "pooldesk/webhooks/"  # noqa: S105 - a name prefix, not a secret  # nosec B105


@dataclass(frozen=True)
class ConfigurationSet:
    env_var: str
    default_name: str


# The SES configuration set alert emails go through (reputation metrics, and
# addresses that bounced or complained are suppressed).
ALERT_CONFIGURATION_SET = ConfigurationSet("SES_CONFIGURATION_SET", "pooldesk-alerts")


@dataclass(frozen=True)
class Queue:
    logical_id: str
    env_var: str
    default_name: str


@dataclass(frozen=True)
class StreamConsumer:
    """A Lambda fed by a stream, with the event source mapping's settings.

    CDK renders these as event source mappings (ReportBatchItemFailures,
    bisect on error, bounded retries, on-failure destination); the local
    stack's pollers honour the same numbers.
    """

    function: str
    source: Table | KinesisStream
    batch_size: int
    max_retries: int
    dead_letter: Queue
    max_batching_window_seconds: int = 0


@dataclass(frozen=True)
class KinesisStream:
    logical_id: str
    env_var: str
    default_name: str
    shards: int


# Market ticks {symbol, price, ts}, partition key = symbol.
MARKET_DATA_STREAM = KinesisStream("MarketDataStream", "MARKET_DATA_STREAM", "pooldesk-market-data", shards=1)
KINESIS_STREAMS: tuple[KinesisStream, ...] = (MARKET_DATA_STREAM,)

WEBHOOK_EVENTS_DLQ = Queue("WebhookEventsDlq", "WEBHOOK_EVENTS_DLQ", "pooldesk-webhook-events-dlq")
MARKET_TICKS_DLQ = Queue("MarketTicksDlq", "MARKET_TICKS_DLQ", "pooldesk-market-ticks-dlq")
NOTIFY_DLQ = Queue("NotifyDlq", "NOTIFY_DLQ", "pooldesk-notify-dlq")
ALERTS_DLQ = Queue("AlertsDlq", "ALERTS_DLQ", "pooldesk-alerts-dlq")
QUEUES: tuple[Queue, ...] = (WEBHOOK_EVENTS_DLQ, MARKET_TICKS_DLQ, NOTIFY_DLQ, ALERTS_DLQ)

STREAM_CONSUMERS: tuple[StreamConsumer, ...] = (
    StreamConsumer(
        function="apply_webhook_events",
        source=EVENTS_TABLE,
        batch_size=50,
        max_retries=3,
        dead_letter=WEBHOOK_EVENTS_DLQ,
    ),
    StreamConsumer(
        function="apply_market_ticks",
        source=MARKET_DATA_STREAM,
        batch_size=500,
        max_retries=3,
        dead_letter=MARKET_TICKS_DLQ,
        max_batching_window_seconds=1,
    ),
    StreamConsumer(
        function="notify_pool_changes",
        source=POOLS_TABLE,
        batch_size=100,
        max_retries=2,
        dead_letter=NOTIFY_DLQ,
    ),
    StreamConsumer(
        function="send_alerts",
        source=POOLS_TABLE,
        batch_size=50,
        max_retries=3,
        dead_letter=ALERTS_DLQ,
    ),
)


@dataclass(frozen=True)
class QueueConsumer:
    """A Lambda fed by SQS queues (CDK: SQS event sources with ReportBatchItemFailures)."""

    function: str
    queues: tuple[Queue, ...]
    batch_size: int = 10


# Whatever a stream consumer gives up on is emailed to finance from its dead-letter queue.
QUEUE_CONSUMERS: tuple[QueueConsumer, ...] = (
    QueueConsumer(function="alert_dead_letters", queues=(WEBHOOK_EVENTS_DLQ, MARKET_TICKS_DLQ, NOTIFY_DLQ, ALERTS_DLQ)),
)

# Cognito groups and what they may do (enforced in chalicelib/services/access.py).
MANAGERS_GROUP = "managers"
FINANCE_GROUP = "finance"
# Investors see only their own holdings (chalicelib/services/portal.py), linked to
# investor records when a manager invites them.
INVESTORS_GROUP = "investors"
USER_GROUPS = (MANAGERS_GROUP, FINANCE_GROUP, INVESTORS_GROUP)


@dataclass(frozen=True)
class PasswordPolicy:
    """The user pool's password policy, declared once: the stack, the local stack and the
    API's own check before asking Cognito (so a refusal names what is missing) all use it."""

    min_length: int = 12
    require_uppercase: bool = True
    require_lowercase: bool = True
    require_digits: bool = True
    require_symbols: bool = True

    def missing(self, password: str) -> list[str]:
        """What ``password`` lacks, in words (empty when it meets the policy)."""
        wants = [
            (len(password) >= self.min_length, f"at least {self.min_length} characters"),
            (not self.require_uppercase or any(c.isupper() for c in password), "an upper-case letter"),
            (not self.require_lowercase or any(c.islower() for c in password), "a lower-case letter"),
            (not self.require_digits or any(c.isdigit() for c in password), "a digit"),
            (not self.require_symbols or any(not c.isalnum() for c in password), "a symbol such as - or !"),
        ]
        return [what for ok, what in wants if not ok]

    def describe(self) -> str:
        return "a password needs " + ", ".join(self.missing(""))

    def cognito(self) -> dict[str, Any]:
        """As CreateUserPool's Policies.PasswordPolicy takes it."""
        return {
            "MinimumLength": self.min_length,
            "RequireUppercase": self.require_uppercase,
            "RequireLowercase": self.require_lowercase,
            "RequireNumbers": self.require_digits,
            "RequireSymbols": self.require_symbols,
        }


PASSWORD_POLICY = PasswordPolicy()


def create_table_request(table: Table, name: str) -> dict[str, Any]:
    """The DynamoDB CreateTable request for a declared table (on-demand)."""
    key_attrs = {table.partition_key, table.sort_key}
    for index in table.indexes:
        key_attrs |= {index.partition_key, index.sort_key}
    request: dict[str, Any] = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in sorted(key_attrs)],
        "KeySchema": [
            {"AttributeName": table.partition_key, "KeyType": "HASH"},
            {"AttributeName": table.sort_key, "KeyType": "RANGE"},
        ],
    }
    if table.indexes:
        request["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.partition_key, "KeyType": "HASH"},
                    {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": index.projection},
            }
            for index in table.indexes
        ]
    if table.stream_view:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": table.stream_view}
    return request


def web_content_security_policy(websocket_source: str) -> str:
    """The web app's Content-Security-Policy, the same locally (devstack) and in
    production (CloudFront): only its own origin, plus the WebSocket endpoint."""
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        f"connect-src 'self' {websocket_source}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


# Headers every API answer carries, whoever answers it (a route, or the gateway itself).
API_RESPONSE_HEADERS = {"X-Content-Type-Options": "nosniff"}


@dataclass(frozen=True)
class GatewayError:
    """An answer the gateway gives before any route runs, in the API's error shape.
    API Gateway renders it as a gateway response (CDK); the local server the same."""

    status: int
    code: str
    message: str

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "field": None}}


# A path, or a method on a path, that no route declares.
ROUTE_NOT_FOUND = GatewayError(
    404, "route_not_found", "no route matches this method and path; the API is described at /openapi.json"
)
