"""The firm at a glance for managers (their pools) and finance (every pool)."""

from __future__ import annotations

from chalicelib.domain import firm as glance
from chalicelib.domain.model import Pool

from .pools import PoolService
from .ports import Principal

_PAGE = 200


class FirmService:
    def __init__(self, pools: PoolService) -> None:
        self.pools = pools

    def glance(self, who: Principal) -> glance.Firm:
        seen: list[Pool] = []
        cursor: str | None = None
        while True:
            page = self.pools.list_pools(who, limit=_PAGE, cursor=cursor)
            seen += page.items
            cursor = page.next_cursor
            if cursor is None:
                break
        return glance.firm(seen, self.pools.now().date())
