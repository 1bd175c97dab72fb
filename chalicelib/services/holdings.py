"""Use cases for what a pool holds: trades, dividends and fees (by hand, or as a
brokerage's webhooks bring them). Part of PoolService, which runs each through
its command runner."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.domain import portfolio
from chalicelib.domain.money import DecimalInput

from .commands import Receipt
from .market_ports import PriceStore
from .ports import Principal


class HoldingsUseCases:
    """Mixed into PoolService."""

    # PoolService's own, which these use cases use.
    _prices: PriceStore | None
    _decided: Callable[..., Receipt]

    def trade(
        self,
        who: Principal,
        pool_id: str,
        *,
        symbol: str,
        side: str,
        quantity: DecimalInput,
        price: DecimalInput,
        fees: DecimalInput = "0",
        memo: str | None = None,
        idempotency_key: str | None = None,
        trade_date: str | None = None,
    ) -> Receipt:
        # A position is worth what the market says; the fill price marks it only when no market price is known.
        known = self._prices.latest(portfolio.clean_symbol(symbol)) if self._prices is not None else None
        market_price = known.price if known is not None else None

        order = {"symbol": symbol, "side": side, "quantity": quantity, "price": price, "fees": fees, "memo": memo}
        if trade_date is not None:  # (only then: keys stored before trade dates still match their requests)
            order["trade_date"] = trade_date
        return self._decided(
            who,
            pool_id,
            lambda pool, stamp: portfolio.trade(
                pool,
                symbol=symbol,
                side=side,
                quantity=quantity,
                price=price,
                fees=fees,
                memo=memo,
                stamp=stamp,
                market_price=market_price,
                trade_date=trade_date,
            ),
            operation="trade",
            request=order,
            key=idempotency_key,
        )

    def receive_dividend(
        self,
        who: Principal,
        pool_id: str,
        *,
        symbol: str,
        amount: DecimalInput,
        idempotency_key: str | None = None,
        trade_date: str | None = None,
    ) -> Receipt:
        request: dict[str, object] = {"symbol": symbol, "amount": amount}
        if trade_date is not None:
            request["trade_date"] = trade_date
        return self._decided(
            who,
            pool_id,
            lambda pool, stamp: portfolio.receive_dividend(
                pool, symbol=symbol, amount=amount, stamp=stamp, trade_date=trade_date
            ),
            operation="dividend",
            request=request,
            key=idempotency_key,
        )

    def charge_fee(
        self,
        who: Principal,
        pool_id: str,
        *,
        amount: DecimalInput,
        description: str,
        idempotency_key: str | None = None,
        trade_date: str | None = None,
    ) -> Receipt:
        request: dict[str, object] = {"amount": amount, "description": description}
        if trade_date is not None:
            request["trade_date"] = trade_date
        return self._decided(
            who,
            pool_id,
            lambda pool, stamp: portfolio.charge_fee(
                pool, amount=amount, description=description, stamp=stamp, trade_date=trade_date
            ),
            operation="fee",
            request=request,
            key=idempotency_key,
        )
