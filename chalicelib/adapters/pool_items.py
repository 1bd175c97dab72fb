"""The pools table's item layout: every key, and each entity to and from its item.

This is the one module that spells a key of the pools table (the layout is
described in chalicelib/resources.py). Each entity is described once, as a
``Shape`` (attributes.py) naming how each field is stored; writing an item,
reading it back from GetItem or Query, and decoding a stream image all go
through that one description, straight from DynamoDB's typed attribute values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from chalicelib.adapters.attributes import (
    DAY,
    FLAG,
    INTEGER,
    MONEY,
    NUMBER,
    PER_UNIT,
    TEXT,
    TIME,
    UNITS,
    Choice,
    Codec,
    Item,
    Shape,
    timestamp,
)
from chalicelib.adapters.fee_items import FEES, LOTS, TALLY
from chalicelib.domain import money
from chalicelib.domain.approvals import ApprovalPolicy
from chalicelib.domain.dealing import Cutoff, DealingMode, DealingPolicy, Frequency
from chalicelib.domain.fees import FeePolicy
from chalicelib.domain.ledger import Movement
from chalicelib.domain.model import (
    EntryType,
    Investor,
    InvestorStatus,
    LedgerEntry,
    Pool,
    PoolStatus,
    Position,
    Tally,
    TradeSide,
)
from chalicelib.services.ports import EntryAppended, InvestorChanged, NavPoint, PoolChange, PoolChanged

# -- keys ------------------------------------------------------------------------

STATE = "STATE"
BROKERAGE = "BROKERAGE"
ALERT_SETTINGS = "ALERTS"
ALL_POOLS = "POOLS"
ALERT_LOG = "ALERTLOG"


def pool_pk(pool_id: str) -> str:
    return f"POOL#{pool_id}"


def pool_id_of(pk: str) -> str | None:
    return pk.removeprefix("POOL#") if pk.startswith("POOL#") else None


def investor_sk(investor_id: str) -> str:
    return f"INVESTOR#{investor_id}"


def entry_sk(entry_id: str) -> str:
    return f"LEDGER#{entry_id}"


def nav_sk(at: datetime, suffix: str) -> str:
    return f"NAV#{timestamp(at)}#{suffix}"


def share_sk(entry_id: str, investor_id: str) -> str:
    return f"ALLOC#{entry_id}#{investor_id}"


def allocation_chunk_sk(entry_id: str, n: int) -> str:
    return f"DIST#{entry_id}#{n:05d}"


def idempotency_sk(key: str) -> str:
    return f"IDEMP#{key}"


def holding_sk(symbol: str) -> str:
    return f"HOLDS#{symbol}"


def holding_marker(pool_id: str, symbol: str) -> dict[str, Any]:
    """The item saying a pool holds a symbol: GSI1 finds every pool holding it."""
    return {
        **key(pool_pk(pool_id), holding_sk(symbol)),
        "kind": {"S": "holding"},
        "GSI1PK": {"S": symbol_index_pk(symbol)},
        "GSI1SK": {"S": pool_pk(pool_id)},
    }


def day_open_sk(day: date) -> str:
    return f"DAYOPEN#{day}"


def manager_index_pk(manager_id: str) -> str:
    return f"MANAGER#{manager_id}"


def symbol_index_pk(symbol: str) -> str:
    return f"SYMBOL#{symbol}"


def price_key(symbol: str) -> dict[str, str]:
    return {"PK": f"PRICE#{symbol}", "SK": "LATEST"}


def close_key(symbol: str, day: date) -> dict[str, str]:
    """A symbol's closing price for a day (UTC): the last print of the day, beside its latest price."""
    return {"PK": f"PRICE#{symbol}", "SK": f"CLOSE#{day.isoformat()}"}


def broker_link_key(broker: str, account_id: str) -> dict[str, str]:
    return {"PK": f"BROKER#{broker}#{account_id}", "SK": "LINK"}


def alert_claim_key(cause: str) -> dict[str, str]:
    return {"PK": f"ALERT#{cause}", "SK": "SENT"}


# Prefixes of the sort keys a pool's partition holds, for queries over one kind of item.
INVESTORS, LEDGER, NAV, SHARES, ALLOCATION_CHUNKS = "INVESTOR#", "LEDGER#", "NAV#", "ALLOC#", "DIST#"


def key(pk: str, sk: str) -> Item:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


class _Positions(Codec[dict[str, Position]]):
    def put(self, value: dict[str, Position], currency: str) -> dict[str, Any]:
        return {
            "M": {
                p.symbol: {
                    "M": {
                        "quantity": {"N": str(p.quantity)},
                        "avg_cost": {"N": str(p.avg_cost)},
                        "last_price": {"N": str(p.last_price)},
                    }
                }
                for p in value.values()
            }
        }

    def get(self, attr: dict[str, Any], currency: str) -> dict[str, Position]:
        positions = {}
        for symbol, held in sorted(attr["M"].items()):
            p = held["M"]
            positions[symbol] = Position(
                symbol=symbol,
                quantity=money.quantize_places(Decimal(p["quantity"]["N"]), money.QUANTITY_PLACES),
                avg_cost=money.quantize_places(Decimal(p["avg_cost"]["N"]), money.PRICE_PLACES),
                last_price=Decimal(p["last_price"]["N"]),
            )
        return positions


class _Dealing(Codec[DealingPolicy]):
    """A pool's dealing policy, as one map on its STATE item."""

    def put(self, value: DealingPolicy, currency: str) -> dict[str, Any]:
        m: dict[str, Any] = {
            "mode": {"S": value.mode.value},
            "frequency": {"S": value.frequency.value},
            "redemption_notice_days": {"N": str(value.redemption_notice_days)},
            "lockup_days": {"N": str(value.lockup_days)},
            "early_redemption_fee": {"N": str(value.early_redemption_fee)},
        }
        if value.cutoff is not None:
            m["cutoff_time"] = {"S": value.cutoff.at.strftime("%H:%M")}
            m["cutoff_timezone"] = {"S": value.cutoff.timezone}
        if value.gate is not None:
            m["gate"] = {"N": str(value.gate)}
        return {"M": m}

    def get(self, attr: dict[str, Any], currency: str) -> DealingPolicy:
        m = attr["M"]
        cutoff = Cutoff(time.fromisoformat(m["cutoff_time"]["S"]), m["cutoff_timezone"]["S"]) if "cutoff_time" in m else None
        return DealingPolicy(
            mode=DealingMode(m["mode"]["S"]),
            frequency=Frequency(m["frequency"]["S"]),
            cutoff=cutoff,
            redemption_notice_days=int(m["redemption_notice_days"]["N"]),
            gate=Decimal(m["gate"]["N"]) if "gate" in m else None,
            lockup_days=int(m["lockup_days"]["N"]),
            early_redemption_fee=Decimal(m["early_redemption_fee"]["N"]),
        )


class _Approvals(Codec[ApprovalPolicy]):
    """What a pool's finance approves, as one map on its STATE item."""

    def put(self, value: ApprovalPolicy, currency: str) -> dict[str, Any]:
        m: dict[str, Any] = {"distributions": {"BOOL": value.distributions}, "reversals": {"BOOL": value.reversals}}
        if value.withdrawal_over is not None:
            m["withdrawal_over"] = {"N": str(value.withdrawal_over)}
        return {"M": m}

    def get(self, attr: dict[str, Any], currency: str) -> ApprovalPolicy:
        m = attr["M"]
        over = Decimal(m["withdrawal_over"]["N"]) if "withdrawal_over" in m else None
        return ApprovalPolicy(withdrawal_over=over, distributions=m["distributions"]["BOOL"], reversals=m["reversals"]["BOOL"])


POOL: Shape[Pool] = Shape(
    Pool,
    {
        "id": TEXT,
        "name": TEXT,
        "currency": TEXT,
        "unit_price": NUMBER,
        "manager_id": TEXT,
        "status": Choice(PoolStatus),
        "cash": MONEY,
        "units": UNITS,
        "investor_count": INTEGER,
        "positions": _Positions(),
        "version": INTEGER,
        "created_at": TIME,
        "updated_at": TIME,
        "valued_at": TIME,
        "dealing": _Dealing(),
        "valuation_id": TEXT,
        "approvals": _Approvals(),
        "fees": FEES,
        "fees_payable": MONEY,
        "fees_accrued_to": DAY,
        "fees_crystallised_through": DAY,
        "distributed_per_unit": NUMBER,
        "benchmark_symbol": TEXT,
        "tally": TALLY,
        "reinvestment": NUMBER,
    },
    {
        "positions": {},
        "valued_at": None,
        "dealing": DealingPolicy(),
        "approvals": ApprovalPolicy(),
        "fees": FeePolicy(),
        "fees_payable": money.ZERO,
        "distributed_per_unit": money.ZERO,
        "tally": Tally(),
        "reinvestment": Decimal(1),
    },
)

INVESTOR: Shape[Investor] = Shape(
    Investor,
    {
        "pool_id": TEXT,
        "id": TEXT,
        "name": TEXT,
        "email": TEXT,
        "status": Choice(InvestorStatus),
        "units": UNITS,
        "contributed": MONEY,
        "withdrawn": MONEY,
        "paid_out": MONEY,
        "created_at": TIME,
        "updated_at": TIME,
        "first_subscribed": DAY,
        "lots": LOTS,
        "performance_fees": MONEY,
        "crystallised_by": TEXT,
    },
    {"email": "", "paid_out": money.ZERO, "lots": (), "performance_fees": money.ZERO},
)

ENTRY: Shape[LedgerEntry] = Shape(
    LedgerEntry,
    {
        "id": TEXT,
        "pool_id": TEXT,
        "type": Choice(EntryType),
        "created_at": TIME,
        "actor": TEXT,
        "cash_delta": MONEY,
        "units_delta": UNITS,
        "payable_delta": MONEY,
        "investor_id": TEXT,
        "amount": MONEY,
        "units": UNITS,
        "nav_per_unit": PER_UNIT,
        "symbol": TEXT,
        "side": Choice(TradeSide),
        "quantity": NUMBER,
        "price": NUMBER,
        "fees": MONEY,
        "memo": TEXT,
        "allocation_count": INTEGER,
        "nav_before": MONEY,
        "actor_name": TEXT,
        "investor_name": TEXT,
        "order_id": TEXT,
        "valuation_id": TEXT,
        "reverses": TEXT,
        "reversed_by": TEXT,
        "trade_date": DAY,
        "approval_id": TEXT,
        "request_id": TEXT,
        "performance_fee": MONEY,
        "period": TEXT,
    },
    {"payable_delta": money.ZERO},
)

NAV_POINT: Shape[NavPoint] = Shape(
    NavPoint,
    {"at": TIME, "nav": MONEY, "nav_per_unit": PER_UNIT, "units": UNITS, "official": FLAG, "reinvestment": NUMBER},
    {"official": False, "reinvestment": Decimal(1)},
)


# -- items --------------------------------------------------------------------------


def pool_item(pool: Pool, version: int) -> Item:
    created = timestamp(pool.created_at)
    return {
        **key(pool_pk(pool.id), STATE),
        "kind": {"S": "pool"},
        **POOL.attributes(pool, pool.currency),
        "version": {"N": str(version)},
        "GSI1PK": {"S": manager_index_pk(pool.manager_id)},
        "GSI1SK": {"S": f"{created}#{pool.id}"},
        "GSI2PK": {"S": ALL_POOLS},
        "GSI2SK": {"S": f"{created}#{pool.id}"},
    }


def investor_item(investor: Investor, currency: str) -> Item:
    return {
        **key(pool_pk(investor.pool_id), investor_sk(investor.id)),
        "kind": {"S": "investor"},
        "currency": {"S": currency},
        **INVESTOR.attributes(investor, currency),
    }


def entry_item(entry: LedgerEntry, currency: str) -> Item:
    return {
        **key(pool_pk(entry.pool_id), entry_sk(entry.id)),
        "kind": {"S": "entry"},
        "currency": {"S": currency},
        **ENTRY.attributes(entry, currency),
    }


def nav_item(pool: Pool, at: datetime, suffix: str, point: NavPoint | None = None) -> Item:
    """A point of the pool's NAV history: its live NAV now, or ``point`` (an official one)."""
    point = point or NavPoint.live(pool, at)
    return {
        **key(pool_pk(pool.id), nav_sk(point.at, suffix)),
        "kind": {"S": "nav"},
        "currency": {"S": pool.currency},
        **NAV_POINT.attributes(point, pool.currency),
    }


def pool_of(item: Item) -> Pool:
    return POOL.entity(item, item["currency"]["S"])


def investor_of(item: Item) -> Investor:
    return INVESTOR.entity(item)


def entry_of(item: Item) -> LedgerEntry:
    return ENTRY.entity(item)


_ENTRY_TYPES = {t.value: t for t in EntryType}
_SIDES = {s.value: s for s in TradeSide}
_QUANTIZERS: dict[str, Callable[[Decimal], Decimal]] = {}
# What a refold reads of a ledger entry's item (Movement's fields, and the currency):
# the repository's query asks DynamoDB for these alone (names stand in: "type" is reserved).
MOVEMENT_ATTRIBUTES = (*Movement._fields, "currency")
MOVEMENT_PROJECTION = ", ".join(f"#{n}" for n in MOVEMENT_ATTRIBUTES)
MOVEMENT_NAMES = {f"#{n}": n for n in MOVEMENT_ATTRIBUTES}


def movement_of(item: Item) -> Movement:
    """What a fold reads of a ledger entry, straight from its item: the attributes read
    by name, the numbers re-quantised as ENTRY's codecs do (tests hold the two alike)."""
    cur = item["currency"]["S"]
    to_money = _QUANTIZERS.get(cur) or _QUANTIZERS.setdefault(cur, money.money_quantizer(cur))
    get = item.get
    amount, side, symbol, quantity, investor, count, payable = (
        get("amount"),
        get("side"),
        get("symbol"),
        get("quantity"),
        get("investor_id"),
        get("allocation_count"),
        get("payable_delta"),
    )
    return Movement(
        _ENTRY_TYPES[item["type"]["S"]],
        to_money(Decimal(item["cash_delta"]["N"])),
        money.units_quantizer(Decimal(item["units_delta"]["N"])),
        to_money(Decimal(payable["N"])) if payable and "N" in payable else money.ZERO,
        investor["S"] if investor and "S" in investor else None,
        to_money(Decimal(amount["N"])) if amount and "N" in amount else None,
        symbol["S"] if symbol and "S" in symbol else None,
        _SIDES[side["S"]] if side and "S" in side else None,
        Decimal(quantity["N"]) if quantity and "N" in quantity else None,
        int(count["N"]) if count and "N" in count else None,
    )


def nav_point_of(item: Item) -> NavPoint:
    return NAV_POINT.entity(item)


# -- the pools table's stream ------------------------------------------------------


def change_of(record: Mapping[str, Any]) -> tuple[str, PoolChange] | None:
    """What a stream record (as Lambda delivers it) changed in a pool, decoded
    once for every consumer: a pool's state, a ledger entry appended, an
    investor's membership. None for anything else (prices, claims, removals)."""
    body = record["dynamodb"]
    pk, sk = body["Keys"]["PK"]["S"], body["Keys"]["SK"]["S"]
    pool_id = pool_id_of(pk)
    new = body.get("NewImage")
    if pool_id is None or new is None:
        return None
    if sk == STATE:
        before = body.get("OldImage", {}).get("valued_at", {}).get("S")
        after = new.get("valued_at", {}).get("S")
        return pool_id, PoolChanged(pool_of(new), revalued=bool(after) and after != before)
    if sk.startswith(LEDGER) and record.get("eventName") == "INSERT":
        return pool_id, EntryAppended(entry_of(new))
    if sk.startswith(INVESTORS):
        return pool_id, InvestorChanged(investor_of(new))
    return None
