"""The pools table's item layout: every key, and each entity to and from its item.

This is the one module that spells a key of the pools table (the layout is
described in chalicelib/resources.py). Each entity is described once, as a
``Shape`` naming how each field is stored; writing an item, reading it back
from GetItem or Query, and decoding a stream image all go through that one
description, straight from DynamoDB's typed attribute values.

DynamoDB normalises numbers ("1.00" comes back as 1), so amounts are
re-quantised on read: money to the pool's currency, units and NAV per unit to
6 places.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, TypeVar

from chalicelib.domain import money
from chalicelib.domain.model import EntryType, Investor, InvestorStatus, LedgerEntry, Pool, PoolStatus, Position, TradeSide
from chalicelib.services.ports import EntryAppended, InvestorChanged, NavPoint, PoolChange, PoolChanged

Item = dict[str, Any]  # DynamoDB's typed attribute values: {"name": {"S": "..."}}

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


def day_open_sk(day: date) -> str:
    return f"DAYOPEN#{day}"


def manager_index_pk(manager_id: str) -> str:
    return f"MANAGER#{manager_id}"


def symbol_index_pk(symbol: str) -> str:
    return f"SYMBOL#{symbol}"


def price_key(symbol: str) -> dict[str, str]:
    return {"PK": f"PRICE#{symbol}", "SK": "LATEST"}


def broker_link_key(broker: str, account_id: str) -> dict[str, str]:
    return {"PK": f"BROKER#{broker}#{account_id}", "SK": "LINK"}


def alert_claim_key(cause: str) -> dict[str, str]:
    return {"PK": f"ALERT#{cause}", "SK": "SENT"}


# Prefixes of the sort keys a pool's partition holds, for queries over one kind of item.
INVESTORS, LEDGER, NAV, SHARES, ALLOCATION_CHUNKS = "INVESTOR#", "LEDGER#", "NAV#", "ALLOC#", "DIST#"


def key(pk: str, sk: str) -> Item:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


def timestamp(value: datetime) -> str:
    return value.isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# -- how a field is stored --------------------------------------------------------

V = TypeVar("V")


class Codec(Generic[V]):
    """One field's typed attribute value; ``currency`` is the pool's, for money."""

    def put(self, value: V, currency: str) -> dict[str, Any]:
        raise NotImplementedError

    def get(self, attr: dict[str, Any], currency: str) -> V:
        raise NotImplementedError


class _Text(Codec[str]):
    def put(self, value: str, currency: str) -> dict[str, Any]:
        return {"S": value}

    def get(self, attr: dict[str, Any], currency: str) -> str:
        return str(attr["S"])


class _Integer(Codec[int]):
    def put(self, value: int, currency: str) -> dict[str, Any]:
        return {"N": str(value)}

    def get(self, attr: dict[str, Any], currency: str) -> int:
        return int(attr["N"])


class _Number(Codec[Decimal]):
    """A Decimal kept as given; ``read`` re-quantises what DynamoDB normalised."""

    def __init__(self, read: Callable[[Decimal, str], Decimal] = lambda d, _c: d) -> None:
        self._read = read

    def put(self, value: Decimal, currency: str) -> dict[str, Any]:
        return {"N": str(value)}

    def get(self, attr: dict[str, Any], currency: str) -> Decimal:
        return self._read(Decimal(attr["N"]), currency)


class _Time(Codec[datetime]):
    def put(self, value: datetime, currency: str) -> dict[str, Any]:
        return {"S": timestamp(value)}

    def get(self, attr: dict[str, Any], currency: str) -> datetime:
        return parse_timestamp(attr["S"])


E = TypeVar("E", bound=StrEnum)


class _Choice(Codec[E]):
    def __init__(self, enum: type[E]) -> None:
        self._enum = enum

    def put(self, value: E, currency: str) -> dict[str, Any]:
        return {"S": value.value}

    def get(self, attr: dict[str, Any], currency: str) -> E:
        return self._enum(attr["S"])


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


TEXT, INTEGER, TIME, NUMBER = _Text(), _Integer(), _Time(), _Number()
MONEY = _Number(money.quantize_money)
UNITS = _Number(lambda d, _c: money.quantize_units(d))
PER_UNIT = _Number(lambda d, _c: money.quantize_places(d, money.NAV_PER_UNIT_PLACES))


@dataclass(frozen=True)
class Shape(Generic[V]):
    """An entity's fields and how each is stored. A field whose value is None is
    not written; a missing attribute reads back as the field's default."""

    build: Callable[..., V]
    fields: Mapping[str, Codec[Any]]
    defaults: Mapping[str, Any]

    def attributes(self, entity: V, currency: str) -> Item:
        out: Item = {}
        for name, codec in self.fields.items():
            value = getattr(entity, name)
            if value is not None:
                out[name] = codec.put(value, currency)
        return out

    def entity(self, item: Item, currency: str | None = None) -> V:
        cur = currency or item["currency"]["S"]
        values = {}
        for name, codec in self.fields.items():
            attr = item.get(name)
            values[name] = codec.get(attr, cur) if attr is not None and "NULL" not in attr else self.defaults.get(name)
        return self.build(**values)


POOL: Shape[Pool] = Shape(
    Pool,
    {
        "id": TEXT,
        "name": TEXT,
        "currency": TEXT,
        "unit_price": NUMBER,
        "manager_id": TEXT,
        "status": _Choice(PoolStatus),
        "cash": MONEY,
        "units": UNITS,
        "investor_count": INTEGER,
        "positions": _Positions(),
        "version": INTEGER,
        "created_at": TIME,
        "updated_at": TIME,
        "valued_at": TIME,
    },
    {"positions": {}, "valued_at": None},
)

INVESTOR: Shape[Investor] = Shape(
    Investor,
    {
        "pool_id": TEXT,
        "id": TEXT,
        "name": TEXT,
        "email": TEXT,
        "status": _Choice(InvestorStatus),
        "units": UNITS,
        "contributed": MONEY,
        "withdrawn": MONEY,
        "paid_out": MONEY,
        "created_at": TIME,
        "updated_at": TIME,
    },
    {"email": "", "paid_out": money.ZERO},
)

ENTRY: Shape[LedgerEntry] = Shape(
    LedgerEntry,
    {
        "id": TEXT,
        "pool_id": TEXT,
        "type": _Choice(EntryType),
        "created_at": TIME,
        "actor": TEXT,
        "cash_delta": MONEY,
        "units_delta": UNITS,
        "investor_id": TEXT,
        "amount": MONEY,
        "units": UNITS,
        "nav_per_unit": PER_UNIT,
        "symbol": TEXT,
        "side": _Choice(TradeSide),
        "quantity": NUMBER,
        "price": NUMBER,
        "fees": MONEY,
        "memo": TEXT,
        "allocation_count": INTEGER,
        "nav_before": MONEY,
        "actor_name": TEXT,
        "investor_name": TEXT,
    },
    {},
)

NAV_POINT: Shape[NavPoint] = Shape(NavPoint, {"at": TIME, "nav": MONEY, "nav_per_unit": PER_UNIT, "units": UNITS}, {})


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


def nav_item(pool: Pool, at: datetime, suffix: str) -> Item:
    point = NavPoint(at=at, nav=pool.nav, nav_per_unit=pool.nav_per_unit, units=pool.units)
    return {
        **key(pool_pk(pool.id), nav_sk(at, suffix)),
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
