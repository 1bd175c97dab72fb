"""The composition root: builds clients, adapters and services on first use."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

from chalicelib.adapters.alerts import CognitoDirectory, DynamoAlertStore, SesMailer
from chalicelib.adapters.brokerage import BrokerageLinks, WebhookEvents, WebhookSecrets
from chalicelib.adapters.cognito import CognitoAuth, TokenVerifier
from chalicelib.adapters.dynamodb import DynamoPoolRepository, DynamoPriceStore
from chalicelib.adapters.push import Connections, Pusher
from chalicelib.config import settings
from chalicelib.domain.model import Pool
from chalicelib.services.alerts import Alerts
from chalicelib.services.brokerage import BrokerageService
from chalicelib.services.live import LiveUpdates
from chalicelib.services.market import MarketData
from chalicelib.services.pools import PoolService
from chalicelib.services.reconciliation import PoolReconciliation, Reconciliation

_BOTO = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=3, read_timeout=10)


@lru_cache(maxsize=1)
def dynamodb() -> Any:
    return boto3.client("dynamodb", region_name=settings().region, config=_BOTO)


@lru_cache(maxsize=1)
def pool_service() -> PoolService:
    return PoolService(DynamoPoolRepository(dynamodb(), settings().pools_table))


@lru_cache(maxsize=1)
def market_data() -> MarketData:
    s = settings()
    return MarketData(pool_service().repo, DynamoPriceStore(dynamodb(), s.pools_table))


@lru_cache(maxsize=1)
def alerts() -> Alerts:
    s = settings()
    return Alerts(
        pool_service().repo,
        DynamoAlertStore(dynamodb(), s.pools_table),
        CognitoDirectory(boto3.client("cognito-idp", region_name=s.region, config=_BOTO), s.user_pool_id),
        SesMailer(boto3.client("ses", region_name=s.region, config=_BOTO), s.alert_sender, s.alert_configuration_set),
        s.app_url,
    )


@lru_cache(maxsize=1)
def reconciliation() -> Reconciliation:
    def tell_finance(pool: Pool, result: PoolReconciliation) -> None:
        alerts().on_drift(pool, result.drift, result.fingerprint(), datetime.now(UTC).date())

    return Reconciliation(pool_service().repo, tell_finance)


@lru_cache(maxsize=1)
def live_updates() -> LiveUpdates:
    s = settings()
    management = boto3.client(
        "apigatewaymanagementapi", region_name=s.region, endpoint_url=s.websocket_management_url or None, config=_BOTO
    )
    return LiveUpdates(pool_service(), token_verifier().verify, Connections(dynamodb(), s.connections_table), Pusher(management))


@lru_cache(maxsize=1)
def brokerage_service() -> BrokerageService:
    s = settings()
    secrets = boto3.client("secretsmanager", region_name=s.region, config=_BOTO)
    return BrokerageService(
        pool_service(),
        BrokerageLinks(dynamodb(), s.pools_table),
        WebhookSecrets(secrets, s.webhook_secret_prefix),
        WebhookEvents(dynamodb(), s.events_table),
        on_parked=lambda event, reason, pool_id: alerts().on_parked(event, reason, pool_id),
    )


@lru_cache(maxsize=1)
def cognito_auth() -> CognitoAuth:
    s = settings()
    return CognitoAuth(boto3.client("cognito-idp", region_name=s.region, config=_BOTO), s.client_id)


@lru_cache(maxsize=1)
def token_verifier() -> TokenVerifier:
    s = settings()
    return TokenVerifier(jwks_url=s.jwks_url, issuer=s.issuer, client_id=s.client_id)


def reset() -> None:
    """Forget built objects (tests change the environment between cases)."""
    built = (
        settings,
        dynamodb,
        pool_service,
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
