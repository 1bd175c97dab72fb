"""What every area of the API shares: who is calling, and how a money movement answers."""

from __future__ import annotations

from chalice.app import Blueprint
from pydantic import BaseModel

from chalicelib import observability, wiring
from chalicelib.api.http import Api, Reply
from chalicelib.api.schemas import DistributionOut, EntryOut
from chalicelib.services.commands import Receipt
from chalicelib.services.pools import PoolService
from chalicelib.services.ports import Principal

# The business metric each kind of ledger entry made through the API counts towards.
MOVEMENT_METRICS = {
    "contribution": "Contributions",
    "withdrawal": "Withdrawals",
    "distribution": "Distributions",
    "trade": "Trades",
    "reversal": "Reversals",
}


def authenticate(token: str) -> Principal:
    # A valid token is not enough: its login may have been disabled, or signed out everywhere, since.
    return wiring.sessions().admit(wiring.token_verifier().verify(token))


def area(name: str) -> tuple[Blueprint, Api]:
    """A blueprint for one area of the API, and its route registry."""
    bp = Blueprint(name)
    return bp, Api(bp, authenticate)


def pools() -> PoolService:
    return wiring.pool_service()


def created(body: BaseModel, replayed: bool) -> Reply:
    """201, or 200 and a header when an Idempotency-Key replays the first answer (as for money movements)."""
    return Reply(body, 200, {"Idempotent-Replayed": "true"}) if replayed else Reply(body, 201)


def receipt(result: Receipt) -> Reply:
    """201 for a new movement; 200 and a header when an Idempotency-Key replays the first result."""
    if not result.replayed:
        observability.count(MOVEMENT_METRICS[result.entry.type.value])
    body = (
        DistributionOut.with_allocations(result.entry, result.allocations)
        if result.entry.type.value == "distribution"
        else EntryOut.of(result.entry)
    )
    if result.replayed:
        return Reply(body, 200, {"Idempotent-Replayed": "true"})
    return Reply(body, 201)
