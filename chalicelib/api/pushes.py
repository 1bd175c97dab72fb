"""What the WebSocket pushes to a pool's subscribers: one message per change the
pools table's stream carries, each with the same body the REST API answers with.
/openapi.json describes them too (as components), so clients type them from there."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from chalicelib.api.base import ApiModel
from chalicelib.services.ports import EntryAppended, PoolChange, PoolChanged

from .schemas import EntryOut, InvestorRecordOut, PoolOut


class PoolUpdated(ApiModel):
    type: Literal["pool.updated"] = "pool.updated"
    pool_id: str
    data: PoolOut


class ActivityCreated(ApiModel):
    type: Literal["activity.created"] = "activity.created"
    pool_id: str
    data: EntryOut


class InvestorUpdated(ApiModel):
    type: Literal["investor.updated"] = "investor.updated"
    pool_id: str
    data: InvestorRecordOut


PUSH_MESSAGES: tuple[type[BaseModel], ...] = (PoolUpdated, ActivityCreated, InvestorUpdated)


def push_message(pool_id: str, change: PoolChange) -> PoolUpdated | ActivityCreated | InvestorUpdated:
    """What a subscriber of the pool is sent about a change."""
    if isinstance(change, PoolChanged):
        return PoolUpdated(pool_id=pool_id, data=PoolOut.of(change.pool))
    if isinstance(change, EntryAppended):
        return ActivityCreated(pool_id=pool_id, data=EntryOut.of(change.entry))
    return InvestorUpdated(pool_id=pool_id, data=InvestorRecordOut.of(change.investor))
