"""Request bodies, validated at the edge before any use case runs. Amounts,
units and prices travel as decimal strings; a JSON number where an amount
belongs is refused, because a float has already lost the exact value."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, JsonValue

from chalicelib.api.base import ApiModel
from chalicelib.domain import money

DecimalString = Annotated[
    str,
    Field(
        pattern=r"^\s*[0-9]+(\.[0-9]+)?\s*$",
        max_length=40,
        description='A non-negative decimal number as a string, e.g. "1250.00"',
        examples=["1250.00"],
    ),
]


class Body(ApiModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_max_length=2000)


class LoginRequest(Body):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=256)


class RefreshRequest(Body):
    refresh_token: str = Field(min_length=10, max_length=8000)


class ChallengeRequest(Body):
    challenge: Literal["NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA"]
    email: str = Field(min_length=3, max_length=254)
    session: str = Field(min_length=20, max_length=2048, description="as the sign-in answered it")
    new_password: str | None = Field(default=None, min_length=1, max_length=256)
    code: str | None = Field(default=None, max_length=12, description="the 6 digits the authenticator app shows")


class MfaSetupRequest(Body):
    session: str | None = Field(default=None, max_length=2048, description="during a first sign-in; else send the token")
    email: str | None = Field(default=None, max_length=254, description="during a first sign-in: who is signing in")


class MfaVerifyRequest(Body):
    code: str = Field(max_length=12, description="the 6 digits the authenticator app shows")
    session: str | None = Field(default=None, max_length=2048)
    email: str | None = Field(default=None, max_length=254)


class ForgotRequest(Body):
    email: str = Field(min_length=3, max_length=254)


class ResetRequest(Body):
    email: str = Field(min_length=3, max_length=254)
    code: str = Field(min_length=1, max_length=12)
    new_password: str = Field(min_length=1, max_length=256)


class CreatePoolRequest(Body):
    name: str = Field(min_length=1, max_length=120)
    currency: str = Field(
        min_length=3,
        max_length=3,
        description="ISO 4217 code, e.g. USD",
        # Documented for clients; the domain refuses others with invalid_currency, naming the field.
        json_schema_extra={"enum": list[JsonValue](sorted(money.MINOR_UNITS))},
    )
    unit_price: DecimalString = Field(default="1.00", description="Price of one unit at launch")


class UpdatePoolRequest(Body):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    status: Literal["open", "closed"] | None = None


class AddInvestorRequest(Body):
    name: str = Field(min_length=1, max_length=120)
    email: str = Field(
        default="",
        max_length=254,
        description="Optional; an address with an @ and no spaces",
        json_schema_extra={"pattern": r"^\s*([^ @]*@[^ ]*)?\s*$"},
    )


class ContributionRequest(Body):
    investor_id: str = Field(min_length=1, max_length=64)
    amount: DecimalString


class WithdrawalRequest(Body):
    # Exactly one of amount and units (the handler says so by name when both or neither come).
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"investor_id": "inv_example", "amount": "100.00"}, {"investor_id": "inv_example", "units": "25"}],
            "oneOf": [
                {"required": ["amount"], "properties": {"amount": {"type": "string"}, "units": {"type": "null"}}},
                {"required": ["units"], "properties": {"units": {"type": "string"}, "amount": {"type": "null"}}},
            ],
        }
    )

    investor_id: str = Field(min_length=1, max_length=64)
    amount: DecimalString | None = Field(default=None, description="Cash to pay out; or give units")
    units: DecimalString | None = Field(default=None, description="Units to redeem; or give amount")


class DistributionRequest(Body):
    amount: DecimalString
    memo: str | None = Field(default=None, max_length=120)
    preview_id: str | None = Field(
        default=None,
        max_length=64,
        description="from POST .../distributions/preview: pay only if every share is still the one previewed (else 409)",
    )


class TradeRequest(Body):
    symbol: str = Field(min_length=1, max_length=20)
    side: Literal["buy", "sell"]
    quantity: DecimalString
    price: DecimalString
    fees: DecimalString = "0"
    memo: str | None = Field(default=None, max_length=120)
    trade_date: str | None = Field(
        default=None, min_length=10, max_length=10, description="when it traded, e.g. 2026-12-01; today if not given"
    )


class LinkBrokerageRequest(Body):
    broker: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
    account_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")


class AlertSettingsRequest(Body):
    recipients: list[str] = Field(
        default_factory=list, max_length=50, description="email addresses; empty means the finance group"
    )
    withdrawal_threshold: DecimalString = Field(default="0.10", description='fraction of NAV, e.g. "0.10"')


class DistributionPreviewRequest(Body):
    amount: DecimalString


class CutoffBody(Body):
    time: str = Field(min_length=1, max_length=8, description='a time of day, "16:00"', examples=["16:00"])
    timezone: str = Field(min_length=1, max_length=64, description="an IANA time zone", examples=["Europe/London"])


class DealingRequest(Body):
    mode: Literal["instant", "forward"]
    frequency: Literal["daily", "weekly", "monthly"] | None = Field(default=None, description="forward only; daily if not given")
    cutoff: CutoffBody | None = Field(default=None, description="orders after it roll to the next dealing day")
    redemption_notice_days: int = Field(default=0, ge=0, le=3660)
    gate: DecimalString | None = Field(default=None, description='the share of NAV a dealing day may pay out, e.g. "0.10"')
    lockup_days: int = Field(default=0, ge=0, le=3660)
    early_redemption_fee: DecimalString = Field(
        default="0", description='a fraction of what a redemption inside the lock-up pays, kept by the pool, e.g. "0.02"'
    )


class OrderRequest(Body):
    # A subscription is for an amount; a redemption for an amount or units (the domain names the field when both come).
    investor_id: str = Field(min_length=1, max_length=64)
    type: Literal["subscription", "redemption"]
    amount: DecimalString | None = Field(default=None, description="cash to invest, or to take out")
    units: DecimalString | None = Field(default=None, description="units to redeem (redemptions only)")
    dealing_date: str | None = Field(
        default=None, min_length=10, max_length=10, description="a dealing day to deal on; by default the first it can"
    )


class ProposeValuationRequest(Body):
    dealing_date: str | None = Field(
        default=None,
        min_length=10,
        max_length=10,
        description="the dealing day valued, e.g. 2026-12-04; by default the latest whose cut-off has passed",
    )


class RejectValuationRequest(Body):
    reason: str = Field(min_length=1, max_length=500, description="why, for the manager (kept in the activity)")


class EditInvestorRequest(Body):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    email: str | None = Field(
        default=None,
        max_length=254,
        description='An address with an @ and no spaces; "" removes it',
        json_schema_extra={"pattern": r"^\s*([^ @]*@[^ ]*)?\s*$"},
    )


class ReverseRequest(Body):
    reason: str = Field(min_length=1, max_length=500, description="why the entry is undone (kept on the reversal)")


class ApprovalPolicyRequest(Body):
    withdrawal_over: DecimalString | None = Field(
        default=None, description='withdrawals at or above this share of NAV wait for finance, e.g. "0.10"; null: none'
    )
    distributions: bool = Field(default=False, description="every distribution waits for finance")
    reversals: bool = Field(default=False, description="every reversal waits for finance")


class FeesRequest(Body):
    management_rate: DecimalString = Field(default="0", description='a year, on NAV before fees, e.g. "0.02"')
    performance_rate: DecimalString = Field(default="0", description='on gains above the high-water mark, e.g. "0.20"')
    hurdle_rate: DecimalString = Field(default="0", description='a year, compounded, on the high-water mark, e.g. "0.05"')
    crystallisation: Literal["monthly", "quarterly", "annually"] = "quarterly"
    payee: Literal["manager"] = "manager"


class PayFeesRequest(Body):
    amount: DecimalString | None = Field(default=None, description="what to pay; by default all fees payable cash allows")


class BenchmarkRequest(Body):
    symbol: str | None = Field(max_length=32, description='a market symbol, e.g. "IDX"; null for none')


class StatementPeriodRequest(Body):
    start: str = Field(alias="from", min_length=10, max_length=10, description="the period's first day, e.g. 2026-10-01")
    end: str = Field(alias="to", min_length=10, max_length=10, description="its last day, e.g. 2026-12-31")


class StaffInvitationRequest(Body):
    email: str = Field(min_length=3, max_length=254)
    role: Literal["manager", "finance"]
    name: str = Field(default="", max_length=120)


class MyOrderRequest(Body):
    # An investor's own order: the investor is whoever is signed in.
    type: Literal["subscription", "redemption"]
    amount: DecimalString | None = Field(default=None, description="cash to invest, or to take out")
    units: DecimalString | None = Field(default=None, description="units to redeem (redemptions only)")
    dealing_date: str | None = Field(
        default=None, min_length=10, max_length=10, description="a dealing day to deal on; by default the first it can"
    )


class EmailPreferencesRequest(Body):
    # Each left out keeps its current setting.
    order_settled: bool | None = None
    distribution_paid: bool | None = None
    statement_ready: bool | None = None


class WithdrawalRequestBody(Body):
    # An investor asks for an amount or for units (the domain names the field when both or neither come).
    amount: DecimalString | None = Field(default=None, description="cash to take out")
    units: DecimalString | None = Field(default=None, description="units to redeem")


class DeclineRequestBody(Body):
    reason: str = Field(min_length=1, max_length=500, description="why, for the investor (kept in the activity)")
