"""The composition root: builds clients, adapters and services on first use.

Each factory imports what it builds: every function imports app.py (and so
this module) on its cold start, and should load only the adapters and
services it uses (a consumer never needs Cognito's token checks; an API
request for a pool never needs the brokerage's event models).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from chalicelib.config import settings

if TYPE_CHECKING:
    from chalicelib.adapters.accounts import DynamoAccountRecords
    from chalicelib.adapters.cognito import CognitoAuth, CognitoDirectory
    from chalicelib.adapters.tokens import TokenVerifier
    from chalicelib.domain.model import Pool
    from chalicelib.services.alerts import Alerts
    from chalicelib.services.approvals import ApprovalService
    from chalicelib.services.brokerage import BrokerageService
    from chalicelib.services.corrections import CorrectionService
    from chalicelib.services.dealing import DealingService
    from chalicelib.services.firm import FirmService
    from chalicelib.services.live import LiveUpdates
    from chalicelib.services.market import MarketData
    from chalicelib.services.notices import InvestorNotices
    from chalicelib.services.people import PeopleService
    from chalicelib.services.performance import PerformanceService
    from chalicelib.services.pools import PoolService
    from chalicelib.services.portal import PortalService
    from chalicelib.services.ports import PoolChange, StoredEvent
    from chalicelib.services.reconciliation import PoolReconciliation, Reconciliation
    from chalicelib.services.sessions import Sessions
    from chalicelib.services.sign_in import SignIn
    from chalicelib.services.statements import StatementService
    from chalicelib.services.withdrawal_requests import WithdrawalRequests

_BOTO = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=3, read_timeout=10)


def _client(service: str) -> Any:
    from chalicelib.adapters.ddb import ThrottleAware

    # Throttling past the SDK's own retries reaches the use cases as the port's Throttled.
    return ThrottleAware(boto3.client(service, region_name=settings().region, config=_BOTO))


@lru_cache(maxsize=1)
def dynamodb() -> Any:
    return _client("dynamodb")


@lru_cache(maxsize=1)
def directory() -> CognitoDirectory:
    from chalicelib.adapters.cognito import CognitoDirectory

    return CognitoDirectory(_client("cognito-idp"), settings().user_pool_id)


def now() -> datetime:
    """The time every use case stamps its decisions with (a test may set the calendar here)."""
    return datetime.now(UTC)


@lru_cache(maxsize=1)
def pool_service() -> PoolService:
    from chalicelib.adapters.pool_repository import DynamoPoolRepository
    from chalicelib.adapters.prices import DynamoPriceStore
    from chalicelib.services.pools import PoolService

    table = settings().pools_table
    return PoolService(
        DynamoPoolRepository(dynamodb(), table),
        directory=directory(),
        prices=DynamoPriceStore(dynamodb(), table),
        clock=lambda: now(),  # noqa: PLW0108 - looked up at each call, so a test may set the calendar
    )


@lru_cache(maxsize=1)
def dealing_service() -> DealingService:
    from chalicelib.adapters.prices import DynamoPriceStore
    from chalicelib.services.dealing import DealingService

    return DealingService(pool_service(), prices=DynamoPriceStore(dynamodb(), settings().pools_table))


@lru_cache(maxsize=1)
def performance() -> PerformanceService:
    from chalicelib.adapters.prices import DynamoPriceStore
    from chalicelib.services.performance import PerformanceService

    return PerformanceService(pool_service(), prices=DynamoPriceStore(dynamodb(), settings().pools_table))


@lru_cache(maxsize=1)
def statements() -> StatementService:
    from chalicelib.services.statements import StatementService

    return StatementService(pool_service(), directory(), send=alerts().send_statement, wants=notices().wants_statement)


@lru_cache(maxsize=1)
def notices() -> InvestorNotices:
    from chalicelib.services.notices import InvestorNotices

    return InvestorNotices(pool_service().repo, account_records(), alerts())


@lru_cache(maxsize=1)
def firm() -> FirmService:
    from chalicelib.services.firm import FirmService

    return FirmService(pool_service())


@lru_cache(maxsize=1)
def account_records() -> DynamoAccountRecords:
    from chalicelib.adapters.accounts import DynamoAccountRecords

    return DynamoAccountRecords(dynamodb(), settings().pools_table)


@lru_cache(maxsize=1)
def sessions() -> Sessions:
    from chalicelib.adapters.accounts import DynamoTickets
    from chalicelib.services.sessions import Sessions

    # The wall clock, not the business calendar (wiring.now): tokens are stamped by Cognito's.
    return Sessions(account_records(), DynamoTickets(dynamodb(), settings().connections_table), clock=lambda: datetime.now(UTC))


@lru_cache(maxsize=1)
def people() -> PeopleService:
    from chalicelib.adapters.alerts import SesMailer
    from chalicelib.adapters.cognito_accounts import CognitoAccounts
    from chalicelib.services.people import PeopleService

    s = settings()
    return PeopleService(
        CognitoAccounts(_client("cognito-idp"), s.user_pool_id),
        SesMailer(_client("ses"), s.alert_sender, s.alert_configuration_set),
        s.app_url,
        pools=pool_service(),
        records=account_records(),
        hang_up=lambda user_id: live_updates().hang_up(user_id),
    )


@lru_cache(maxsize=1)
def withdrawal_requests() -> WithdrawalRequests:
    from chalicelib.services.withdrawal_requests import WithdrawalRequests

    return WithdrawalRequests(approvals())


@lru_cache(maxsize=1)
def portal() -> PortalService:
    from chalicelib.services.portal import PortalService

    return PortalService(dealing_service(), performance(), statements(), account_records(), withdrawal_requests())


@lru_cache(maxsize=1)
def corrections() -> CorrectionService:
    from chalicelib.services.corrections import CorrectionService

    return CorrectionService(pool_service())


@lru_cache(maxsize=1)
def approvals() -> ApprovalService:
    from chalicelib.services.approvals import ApprovalService

    return ApprovalService(pool_service(), corrections())


def pool_change_of(record: Mapping[str, Any]) -> tuple[str, PoolChange] | None:
    """What a pools-table stream record changed, decoded once (see pool_items.change_of)."""
    from chalicelib.adapters import pool_items

    return pool_items.change_of(record)


def webhook_event_of(image: dict[str, Any]) -> StoredEvent:
    """A brokerage event from the events table's stream image."""
    from chalicelib.adapters.brokerage import WebhookEvents

    return WebhookEvents.event_from_item(image)


@lru_cache(maxsize=1)
def market_data() -> MarketData:
    from chalicelib.adapters.prices import DynamoPriceStore
    from chalicelib.services.market import MarketData

    s = settings()
    return MarketData(pool_service().repo, DynamoPriceStore(dynamodb(), s.pools_table), clock=lambda: now())  # noqa: PLW0108 - as above


@lru_cache(maxsize=1)
def alerts() -> Alerts:
    from chalicelib.adapters.alerts import DynamoAlertStore, SesMailer
    from chalicelib.services.alerts import Alerts

    s = settings()
    return Alerts(
        pool_service().repo,
        DynamoAlertStore(dynamodb(), s.pools_table),
        directory(),
        SesMailer(_client("ses"), s.alert_sender, s.alert_configuration_set),
        s.app_url,
    )


@lru_cache(maxsize=1)
def reconciliation() -> Reconciliation:
    from chalicelib.services.reconciliation import Reconciliation

    def tell_finance(pool: Pool, result: PoolReconciliation) -> None:
        alerts().on_drift(pool, result.drift, result.fingerprint(), datetime.now(UTC).date())

    return Reconciliation(pool_service().repo, tell_finance)


@lru_cache(maxsize=1)
def live_updates() -> LiveUpdates:
    from chalicelib.adapters.push import Connections, Pusher
    from chalicelib.services.live import LiveUpdates

    s = settings()
    management = boto3.client(
        "apigatewaymanagementapi", region_name=s.region, endpoint_url=s.websocket_management_url or None, config=_BOTO
    )
    return LiveUpdates(pool_service(), sessions().redeem, Connections(dynamodb(), s.connections_table), Pusher(management))


@lru_cache(maxsize=1)
def brokerage_service() -> BrokerageService:
    from chalicelib.adapters.brokerage import BrokerageLinks, WebhookEvents, WebhookSecrets
    from chalicelib.services.brokerage import BrokerageService

    s = settings()
    secrets = _client("secretsmanager")
    return BrokerageService(
        pool_service(),
        BrokerageLinks(dynamodb(), s.pools_table),
        WebhookSecrets(secrets, s.webhook_secret_prefix),
        WebhookEvents(dynamodb(), s.events_table),
        on_parked=lambda event, reason, pool_id: alerts().on_parked(event, reason, pool_id),
        on_link_requested=lambda pool, link: alerts().on_link_requested(pool, link),
    )


@lru_cache(maxsize=1)
def cognito_auth() -> CognitoAuth:
    from chalicelib.adapters.cognito import CognitoAuth

    s = settings()
    return CognitoAuth(_client("cognito-idp"), s.client_id)


@lru_cache(maxsize=1)
def sign_in() -> SignIn:
    from chalicelib.adapters.accounts import DynamoHeldSignIns
    from chalicelib.services.sign_in import SignIn

    return SignIn(
        cognito_auth(),
        token_verifier().verify,
        account_records(),
        DynamoHeldSignIns(dynamodb(), settings().connections_table),
        clock=lambda: datetime.now(UTC),
    )


@lru_cache(maxsize=1)
def token_verifier() -> TokenVerifier:
    from chalicelib.adapters.tokens import TokenVerifier

    s = settings()
    return TokenVerifier(jwks_url=s.jwks_url, issuer=s.issuer, client_id=s.client_id)


def reset() -> None:
    """Forget built objects (tests change the environment between cases)."""
    built = (
        settings,
        dynamodb,
        directory,
        pool_service,
        dealing_service,
        corrections,
        performance,
        statements,
        firm,
        people,
        account_records,
        notices,
        sessions,
        sign_in,
        withdrawal_requests,
        portal,
        approvals,
        market_data,
        alerts,
        reconciliation,
        live_updates,
        brokerage_service,
        cognito_auth,
        token_verifier,
    )
    for cached in built:
        cached.cache_clear()
