"""An instant pool's withdrawal requests (chalicelib/domain/withdrawal_requests.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain import operations as ops
from chalicelib.domain import withdrawal_requests as asking
from chalicelib.domain.dealing import parse_policy
from chalicelib.domain.errors import Conflict, InvalidInput, RuleViolation
from chalicelib.domain.model import Investor, Pool, Stamp
from chalicelib.domain.withdrawal_requests import RequestStatus

T0 = datetime(2026, 12, 1, 10, tzinfo=UTC)


def funded() -> tuple[Pool, Investor]:
    pool = ops.open_pool(
        pool_id="pl_1", name="Club", currency="USD", unit_price="1.00", manager_id="m1", stamp=Stamp("e1", T0, "m1")
    ).pool
    d = ops.add_investor(pool, investor_id="inv_1", name="Ada", email="", stamp=Stamp("e2", T0, "m1"))
    c = ops.contribute(d.pool, d.investor, "1000.00", Stamp("e3", T0, "m1"))
    return c.pool, c.investor


def ask(pool: Pool, ada: Investor, n: int, pending: list[asking.WithdrawalRequest], **what: str) -> asking.WithdrawalRequest:
    return asking.ask(
        pool, ada, request_id=f"wrq_{n}", at=T0, by="u1", pending=pending, amount=what.get("amount"), units=what.get("units")
    )


def test_a_request_is_for_an_amount_or_units_and_refused_in_a_forward_pool() -> None:
    pool, ada = funded()
    req = ask(pool, ada, 1, [], amount="250.00")
    assert (req.status, req.amount, req.units) == (RequestStatus.PENDING, D("250.00"), None)
    with pytest.raises(InvalidInput):
        ask(pool, ada, 2, [], amount="1.00", units="1")
    with pytest.raises(InvalidInput):
        ask(pool, ada, 3, [])
    forward = replace(pool, dealing=parse_policy(mode="forward", frequency="daily"))
    with pytest.raises(Conflict) as exc:
        ask(forward, ada, 4, [], amount="1.00")
    assert exc.value.code == "forward_dealing"


def test_a_decided_request_is_never_decided_again() -> None:
    pool, ada = funded()
    req = ask(pool, ada, 1, [], units="10")
    declined = asking.decide(req, RequestStatus.DECLINED, at=T0, by_name="Morgan", reason="quarter-end")
    with pytest.raises(Conflict) as exc:
        asking.decide(declined, RequestStatus.ACCEPTED, at=T0, by_name="Morgan")
    assert exc.value.code == "request_declined"
    with pytest.raises(Conflict):
        asking.require_payable(declined)
    asking.require_payable(asking.decide(req, RequestStatus.ACCEPTED, at=T0, by_name="Morgan"))  # a retry may replay it


@given(st.lists(st.integers(min_value=1, max_value=600), min_size=1, max_size=8))
def test_pending_requests_never_ask_for_more_units_than_the_investor_holds(asks: list[int]) -> None:
    pool, ada = funded()
    pending: list[asking.WithdrawalRequest] = []
    for n, units in enumerate(asks):
        try:
            pending.append(ask(pool, ada, n, pending, units=str(units)))
        except RuleViolation as exc:
            assert exc.code == "insufficient_units"
    assert sum((r.units or D(0) for r in pending), D(0)) <= ada.units
