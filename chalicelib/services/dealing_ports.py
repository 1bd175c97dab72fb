"""What the pool repository keeps for a forward-dealing pool (its orders and
valuations) and for four eyes (the approvals movements wait for). All are
written only with the pool's own commits (ports.Commit), so the pool's version
guards them; these are the reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from chalicelib.domain.approvals import Approval
from chalicelib.domain.orders import Order
from chalicelib.domain.valuations import Valuation
from chalicelib.domain.withdrawal_requests import WithdrawalRequest

if TYPE_CHECKING:  # ports.py builds PoolRepository on OrderBook
    from .ports import Page


class OrderBook(Protocol):
    def get_order(self, pool_id: str, order_id: str) -> Order | None: ...

    def get_orders(self, pool_id: str, order_ids: Sequence[str]) -> dict[str, Order]:
        """The orders among these ids that exist, by id, in one read."""
        ...

    def list_orders(
        self, pool_id: str, *, limit: int, cursor: str | None, where: Callable[[Order], bool] | None = None
    ) -> Page[Order]:
        """Orders in queue order (oldest first); ``where`` filters as list_investors does."""
        ...

    def open_orders(self, pool_id: str) -> list[Order]:
        """Every pending or carried order, in queue order (all pages)."""
        ...

    def get_valuation(self, pool_id: str, valuation_id: str) -> Valuation | None:
        """A valuation with every order's settlement."""
        ...

    def list_valuations(
        self, pool_id: str, *, limit: int, cursor: str | None, where: Callable[[Valuation], bool] | None = None
    ) -> Page[Valuation]:
        """Valuations newest first, without their settlements (get_valuation has them); ``where`` filters."""
        ...


class ApprovalBook(Protocol):
    """Movements awaiting finance's approval, kept in their pool (written with its commits)."""

    def get_approval(self, pool_id: str, approval_id: str) -> Approval | None: ...

    def find_approval(self, approval_id: str) -> Approval | None:
        """An approval by its id alone (finance's inbox links to it)."""
        ...

    def list_approvals(
        self, *, limit: int, cursor: str | None, where: Callable[[Approval], bool] | None = None
    ) -> Page[Approval]:
        """Every pool's approvals, newest first; ``where`` filters as list_investors does."""
        ...


class RequestBook(Protocol):
    """An instant pool's withdrawal requests, kept in their pool (written with its commits)."""

    def get_withdrawal_request(self, pool_id: str, request_id: str) -> WithdrawalRequest | None: ...

    def list_withdrawal_requests(
        self, pool_id: str, *, limit: int, cursor: str | None, where: Callable[[WithdrawalRequest], bool] | None = None
    ) -> Page[WithdrawalRequest]:
        """Newest first; ``where`` filters as list_investors does."""
        ...
