"""Use cases of a forward pool's orders: placing one (a version-guarded pool
command, so two redemptions never both pass the units check), cancelling one
while no proposed valuation holds it, and reading them. Part of DealingService."""

from __future__ import annotations

from datetime import date

from chalicelib.domain import money
from chalicelib.domain import orders as book
from chalicelib.domain.decisions import new_entry, touch
from chalicelib.domain.errors import Conflict, InvalidInput, NotFound, one_of
from chalicelib.domain.model import EntryType, Pool, Stamp
from chalicelib.domain.money import DecimalInput
from chalicelib.domain.orders import Order, OrderStatus

from .pools import PoolService
from .ports import Commit, Page, PoolRepository, Principal


class OrderUseCases:
    """Mixed into DealingService."""

    pools: PoolService
    repo: PoolRepository

    def place_order(
        self,
        who: Principal,
        pool_id: str,
        *,
        investor_id: str,
        type_: str,
        amount: DecimalInput | None = None,
        units: DecimalInput | None = None,
        dealing_date: str | None = None,
        idempotency_key: str | None = None,
    ) -> tuple[Order, bool]:
        """The order placed, and whether it was placed before (its Idempotency-Key replayed)."""
        order_id = self.pools.make_id("ord_")

        def decide(pool: Pool, stamp: Stamp) -> Commit:
            investor = self.pools.investor(pool_id, investor_id)
            asked = book.units_asked(pool, self.repo.open_orders(pool_id), investor.id)
            order = book.place(
                pool,
                investor,
                pool.dealing,
                order_id=order_id,
                type_=type_,
                received_at=stamp.at,
                amount=amount,
                units=units,
                redeeming=asked,
                placed_by=stamp.actor_name or stamp.actor,
                requested=None if dealing_date is None else parse_day(dealing_date),
            )
            entry = new_entry(
                pool,
                stamp,
                EntryType.ORDER_PLACED,
                investor_id=investor.id,
                investor_name=investor.name,
                amount=order.amount,
                units=order.units,
                order_id=order.id,
                memo=_order_memo(order, pool),
            )
            return Commit(pool=touch(pool, stamp), expected_version=pool.version, entry=entry, orders=(order,), record_nav=False)

        request = {"investor_id": investor_id, "type": type_, "amount": amount, "units": units}
        if dealing_date is not None:  # (only then: keys stored before dealing dates could be asked for still match)
            request["dealing_date"] = dealing_date
        receipt = self.pools.commands.run(
            who, pool_id, decide, self.pools.stamp, operation="order", request=request, key=idempotency_key
        )
        return self._order(pool_id, receipt.entry.order_id or order_id), receipt.replayed

    def cancel_order(self, who: Principal, pool_id: str, order_id: str) -> Order:
        def decide(pool: Pool, stamp: Stamp) -> Commit:
            order = self._order(pool_id, order_id)
            if pool.valuation_id is not None:
                in_hand = self.repo.get_valuation(pool_id, pool.valuation_id)
                if in_hand is not None and any(s.order_id == order.id for s in in_hand.settlements):
                    raise Conflict(
                        f"this order is in the valuation for {in_hand.dealing_date} ({in_hand.status.value}); "
                        "it can be cancelled only if that valuation is rejected",
                        code="order_in_valuation",
                    )
            cancelled = book.cancel(order)
            entry = new_entry(
                pool,
                stamp,
                EntryType.ORDER_CANCELLED,
                investor_id=order.investor_id,
                investor_name=order.investor_name or None,
                order_id=order.id,
                memo=_order_memo(order, pool),
            )
            return Commit(
                pool=touch(pool, stamp), expected_version=pool.version, entry=entry, orders=(cancelled,), record_nav=False
            )

        self.pools.commands.run(who, pool_id, decide, self.pools.stamp)
        return self._order(pool_id, order_id)

    def list_orders(self, who: Principal, pool_id: str, *, status: str | None, limit: int, cursor: str | None) -> Page[Order]:
        self.pools.get_pool(who, pool_id)
        wanted = None if status is None else one_of(OrderStatus, status, "status")
        where = None if wanted is None else (lambda o: o.status is wanted)
        return self.repo.list_orders(pool_id, limit=limit, cursor=cursor, where=where)

    def get_order(self, who: Principal, pool_id: str, order_id: str) -> Order:
        self.pools.get_pool(who, pool_id)
        return self._order(pool_id, order_id)

    def _order(self, pool_id: str, order_id: str) -> Order:
        order = self.repo.get_order(pool_id, order_id) if order_id else None
        if order is None:
            raise NotFound(f"order {order_id} not found", field="order_id", code="order_not_found")
        return order


def parse_day(value: object) -> date:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _bad_day()
    except ValueError:
        return _bad_day()


def _bad_day() -> date:
    raise InvalidInput("dealing_date must be a date like 2026-12-04", field="dealing_date", code="invalid_date")


def _order_memo(order: Order, pool: Pool) -> str:
    what = money.shown(order.amount, pool.currency) if order.amount is not None else f"{order.units} units"
    when = f"dealing {order.dealing_date}" if order.dealing_date else "at the next valuation"
    return f"{order.type.value} of {what}, {when}"
