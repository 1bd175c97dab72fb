"""Settings from the environment, read on first use and never at import time
(``chalice package`` and CDK synth import app.py without any of them set).

Only names and endpoints come from here; code paths are the same everywhere.
boto3 itself honours ``AWS_ENDPOINT_URL``, which is how the local stack points
every client at its moto server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from chalicelib.resources import ALERT_CONFIGURATION_SET, CONNECTIONS_TABLE, EVENTS_TABLE, POOLS_TABLE, WEBHOOK_SECRET_PREFIX


class ConfigurationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Settings:
    region: str
    pools_table: str
    events_table: str
    webhook_secret_prefix: str
    user_pool_id: str
    client_id: str
    jwks_url: str
    websocket_url: str
    websocket_management_url: str
    alert_sender: str
    alert_configuration_set: str
    app_url: str
    connections_table: str

    @property
    def issuer(self) -> str:
        # Cognito's issuer is always this URL, whatever endpoint serves the API.
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"environment variable {name} is not set")
    return value


@lru_cache(maxsize=1)
def settings() -> Settings:
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    user_pool_id = _required("COGNITO_USER_POOL_ID")
    default_jwks = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}/.well-known/jwks.json"
    return Settings(
        region=region,
        pools_table=os.environ.get(POOLS_TABLE.env_var, POOLS_TABLE.default_name),
        events_table=os.environ.get(EVENTS_TABLE.env_var, EVENTS_TABLE.default_name),
        webhook_secret_prefix=os.environ.get("WEBHOOK_SECRET_PREFIX", WEBHOOK_SECRET_PREFIX),
        user_pool_id=user_pool_id,
        client_id=_required("COGNITO_CLIENT_ID"),
        jwks_url=os.environ.get("COGNITO_JWKS_URL", "").strip() or default_jwks,
        websocket_url=os.environ.get("WEBSOCKET_URL", "").strip(),
        # API Gateway's management endpoint: https://<api id>.execute-api.<region>.amazonaws.com/<stage>
        websocket_management_url=os.environ.get("WEBSOCKET_MANAGEMENT_URL", "").strip(),
        connections_table=os.environ.get(CONNECTIONS_TABLE.env_var, CONNECTIONS_TABLE.default_name),
        alert_sender=os.environ.get("ALERT_SENDER", "").strip() or "alerts@pooldesk.example",
        alert_configuration_set=os.environ.get(ALERT_CONFIGURATION_SET.env_var, ALERT_CONFIGURATION_SET.default_name),
        app_url=os.environ.get("APP_URL", "").strip() or "http://127.0.0.1:8000",
    )
