"""Response bodies of the API's services around the fund itself: errors, signing
in, brokerage links and their events, market prices, and alerts."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field

from chalicelib.api.base import ApiModel
from chalicelib.services.market_ports import PricePoint
from chalicelib.services.ports import AlertSettings, BrokerageLink, Challenge, Principal, SentAlert, StoredEvent, Tokens

from .schemas import Amount, PageOut, Timestamp


class ErrorDetail(ApiModel):
    code: str
    message: str
    field: str | None = None


class ErrorResponse(ApiModel):
    error: ErrorDetail


class TokensResponse(ApiModel):
    access_token: str
    id_token: str
    refresh_token: str | None
    expires_in: int
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a scheme name, not a secret

    @classmethod
    def of(cls, tokens: Tokens, *, refresh_token: str | None = None) -> Self:
        """``refresh_token``: the one to keep when Cognito's refresh answers without a new one."""
        return cls(
            access_token=tokens.access_token,
            id_token=tokens.id_token,
            refresh_token=tokens.refresh_token or refresh_token,
            expires_in=tokens.expires_in,
        )


class SignInResponse(ApiModel):
    """Tokens; or, while Cognito asks for a further step, which one and the session to answer it with."""

    access_token: str | None = None
    id_token: str | None = None
    refresh_token: str | None = None
    expires_in: int | None = None
    token_type: Literal["Bearer"] | None = None
    challenge: Literal["NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA", "MFA_SETUP"] | None = Field(
        default=None,
        description="set a new password; enter the authenticator's code; or set up an authenticator (POST /auth/mfa/setup)",
    )
    session: str | None = Field(default=None, description="answer the challenge with it (POST /auth/challenge); 3 minutes")
    email: str | None = None

    @classmethod
    def of(cls, signed: Tokens | Challenge) -> Self:
        if isinstance(signed, Challenge):
            return cls(challenge=signed.name, session=signed.session, email=signed.email)  # type: ignore[arg-type]
        return cls(
            access_token=signed.access_token,
            id_token=signed.id_token,
            refresh_token=signed.refresh_token,
            expires_in=signed.expires_in,
            token_type="Bearer",  # noqa: S106 - a scheme name, not a secret  # nosec B106
        )


class MfaSecretResponse(ApiModel):
    secret: str = Field(description="the TOTP key, base32: type it into an authenticator app, or scan otpauth_uri")
    otpauth_uri: str
    session: str | None = Field(description="during a first sign-in: pass it to POST /auth/mfa/verify")


class MfaVerifiedResponse(ApiModel):
    enabled: bool = Field(description="the authenticator is the account's second factor from now on")
    signed_in: SignInResponse | None = Field(default=None, description="during a sign-in: the tokens it ends with")


class ConfigResponse(ApiModel):
    region: str
    user_pool_id: str
    client_id: str
    websocket_url: str


class MeResponse(ApiModel):
    user_id: str
    email: str
    role: str
    groups: list[str]

    @classmethod
    def of(cls, who: Principal) -> Self:
        return cls(user_id=who.user_id, email=who.email, role=who.role, groups=sorted(who.groups))


class BrokerageOut(ApiModel):
    pool_id: str
    broker: str
    account_id: str
    linked_by: str
    linked_at: str
    status: Literal["pending", "approved", "declined"] = Field(
        description="pending: finance has not approved it yet, and the account's events apply to no pool"
    )
    approved_by: str | None = None
    approved_at: str | None = None

    @classmethod
    def of(cls, link: BrokerageLink) -> Self:
        return cls(
            pool_id=link.pool_id,
            broker=link.broker,
            account_id=link.account_id,
            linked_by=link.linked_by,
            linked_at=link.linked_at,
            status=link.status,  # type: ignore[arg-type]  # one of the three, as the service sets it
            approved_by=link.approved_by,
            approved_at=link.approved_at,
        )


class WebhookAccepted(ApiModel):
    status: Literal["accepted", "duplicate"]
    id: str


class WebhookEventOut(ApiModel):
    broker: str
    event_id: str
    type: str
    status: Literal["received", "applied", "parked"]
    reason: str | None
    entry_id: str | None
    received_at: str

    @classmethod
    def of(cls, e: StoredEvent) -> Self:
        return cls(
            broker=e.broker,
            event_id=e.event_id,
            type=e.type,
            status=e.status,  # type: ignore[arg-type]
            reason=e.reason or None,
            entry_id=e.entry_id or None,
            received_at=e.received_at,
        )


class WebhookEventList(PageOut[WebhookEventOut]):
    pass


class PriceOut(ApiModel):
    symbol: str
    price: Amount
    ts: Amount = Field(description="when the market printed it, unix seconds")

    @classmethod
    def of(cls, point: PricePoint) -> Self:
        return cls(symbol=point.symbol, price=point.price, ts=point.ts)


class AlertSettingsOut(ApiModel):
    recipients: list[str] = Field(description="a pool's: emailed besides finance; finance's own: empty means the finance group")
    withdrawal_threshold: Amount
    finance_recipients: list[str] | None = Field(
        default=None, description="a pool's: who in finance is emailed whatever the manager sets (set by finance)"
    )
    effective_withdrawal_threshold: Amount | None = Field(
        default=None, description="a pool's: the lower of its own threshold and finance's, which is what applies"
    )

    @classmethod
    def of(cls, settings: AlertSettings, oversight: AlertSettings | None = None, finance: list[str] | None = None) -> Self:
        if oversight is None:
            return cls(recipients=list(settings.recipients), withdrawal_threshold=settings.withdrawal_threshold)
        return cls(
            recipients=list(settings.recipients),
            withdrawal_threshold=settings.withdrawal_threshold,
            finance_recipients=list(oversight.recipients) or finance or [],
            effective_withdrawal_threshold=min(settings.withdrawal_threshold, oversight.withdrawal_threshold),
        )


class SentAlertOut(ApiModel):
    id: str
    subject: str
    text: str
    recipients: list[str]
    pool_id: str | None
    sent_at: Timestamp

    @classmethod
    def of(cls, a: SentAlert) -> Self:
        return cls(
            id=a.cause, subject=a.subject, text=a.text, recipients=list(a.recipients), pool_id=a.pool_id, sent_at=a.sent_at
        )


class SentAlertList(PageOut[SentAlertOut]):
    pass


# -- pushes over the WebSocket ------------------------------------------------------


class InvitationOut(ApiModel):
    user_id: str
    email: str
    role: Literal["manager", "finance"]
    status: Literal["invited"] = "invited"


class WsTicketResponse(ApiModel):
    ticket: str = Field(description="open the WebSocket with ?ticket=<this>; it works once")
    expires_at: Timestamp


class InvestorInvitationOut(ApiModel):
    user_id: str
    email: str
    pool_id: str
    investor_id: str
    new_login: bool = Field(description="false: they had a login already and were told this pool is now theirs to see")
    status: Literal["invited"] = "invited"


class LoginStandingOut(ApiModel):
    user_id: str
    email: str
    disabled: bool
    connections_closed: int = Field(description="live connections hung up at once")


class LoginOut(ApiModel):
    user_id: str
    email: str
    name: str
    role: Literal["manager", "finance", "investor", "none"] = Field(description="staff roles win over investor")
    groups: list[str]
    status: Literal["invited", "active", "disabled"]
    authenticator: bool = Field(description="an authenticator is set up (staff need one)")


class LoginList(ApiModel):
    items: list[LoginOut]
    next_cursor: str | None
