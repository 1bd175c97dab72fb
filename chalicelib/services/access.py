"""Who may do what. Managers act only on pools they own; finance reads every
pool and moves no money. A pool the user may not read is reported as not
found, so ids of other managers' pools leak nothing.
"""

from __future__ import annotations

from chalicelib.domain.errors import Forbidden, NotFound
from chalicelib.domain.model import Pool

from .ports import Principal


def require_manager(who: Principal) -> None:
    if not who.is_manager:
        raise Forbidden("only fund managers may do this; finance users have read-only access", code="forbidden")


def check_read(who: Principal, pool: Pool | None, pool_id: str) -> Pool:
    if pool is not None and who.is_system:
        return pool
    if pool is None or not (who.is_finance or (who.is_manager and pool.manager_id == who.user_id)):
        raise NotFound(f"pool {pool_id} not found", field="pool_id", code="pool_not_found")
    return pool


def check_write(who: Principal, pool: Pool | None, pool_id: str) -> Pool:
    readable = check_read(who, pool, pool_id)
    if who.is_system:
        return readable
    if not (who.is_manager and readable.manager_id == who.user_id):
        raise Forbidden("finance users have read-only access and cannot change pools", code="forbidden")
    return readable


def check_checker(who: Principal, pool: Pool | None, pool_id: str) -> Pool:
    """Finance approves what managers propose (valuations, held movements); it moves no money of its own."""
    readable = check_read(who, pool, pool_id)
    if not who.is_finance or who.is_system:
        raise Forbidden("only finance approves this", code="forbidden")
    return readable


def check_checker_or_manager(who: Principal, pool: Pool | None, pool_id: str) -> Pool:
    """A proposal is turned down by finance, or withdrawn by the pool's manager."""
    return check_read(who, pool, pool_id) if who.is_finance else check_write(who, pool, pool_id)
