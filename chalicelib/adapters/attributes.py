"""DynamoDB's typed attribute values, field by field: a ``Codec`` per kind of value
and a ``Shape`` that describes an entity once, for writing its item and reading it
back (from GetItem, Query or a stream image) without boto3's generic deserialiser.

DynamoDB normalises numbers ("1.00" comes back as 1), so amounts are
re-quantised on read: money to the pool's currency, units and NAV per unit to
6 places.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from chalicelib.domain import money

Item = dict[str, Any]  # DynamoDB's typed attribute values: {"name": {"S": "..."}}


def timestamp(value: datetime) -> str:
    return value.isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


V = TypeVar("V")


class Codec(Protocol[V]):
    """One field's typed attribute value; ``currency`` is the pool's, for money."""

    def put(self, value: V, currency: str) -> dict[str, Any]: ...

    def get(self, attr: dict[str, Any], currency: str) -> V: ...


class Text(Codec[str]):
    def put(self, value: str, currency: str) -> dict[str, Any]:
        return {"S": value}

    def get(self, attr: dict[str, Any], currency: str) -> str:
        return str(attr["S"])


class Integer(Codec[int]):
    def put(self, value: int, currency: str) -> dict[str, Any]:
        return {"N": str(value)}

    def get(self, attr: dict[str, Any], currency: str) -> int:
        return int(attr["N"])


class Number(Codec[Decimal]):
    """A Decimal kept as given; ``read`` re-quantises what DynamoDB normalised."""

    def __init__(self, read: Callable[[Decimal, str], Decimal] = lambda d, _c: d) -> None:
        self._read = read

    def put(self, value: Decimal, currency: str) -> dict[str, Any]:
        return {"N": str(value)}

    def get(self, attr: dict[str, Any], currency: str) -> Decimal:
        return self._read(Decimal(attr["N"]), currency)


class Time(Codec[datetime]):
    def put(self, value: datetime, currency: str) -> dict[str, Any]:
        return {"S": timestamp(value)}

    def get(self, attr: dict[str, Any], currency: str) -> datetime:
        return parse_timestamp(attr["S"])


class Day(Codec[date]):
    def put(self, value: date, currency: str) -> dict[str, Any]:
        return {"S": value.isoformat()}

    def get(self, attr: dict[str, Any], currency: str) -> date:
        return date.fromisoformat(attr["S"])


class Flag(Codec[bool]):
    def put(self, value: bool, currency: str) -> dict[str, Any]:
        return {"BOOL": value}

    def get(self, attr: dict[str, Any], currency: str) -> bool:
        return bool(attr["BOOL"])


E = TypeVar("E", bound=StrEnum)


class Choice(Codec[E]):
    def __init__(self, enum: type[E]) -> None:
        self._enum = enum

    def put(self, value: E, currency: str) -> dict[str, Any]:
        return {"S": value.value}

    def get(self, attr: dict[str, Any], currency: str) -> E:
        return self._enum(attr["S"])


TEXT, INTEGER, TIME, NUMBER, DAY, FLAG = Text(), Integer(), Time(), Number(), Day(), Flag()
MONEY = Number(money.quantize_money)
UNITS = Number(lambda d, _c: money.quantize_units(d))
PER_UNIT = Number(lambda d, _c: money.quantize_places(d, money.NAV_PER_UNIT_PLACES))


@dataclass(frozen=True)
class Shape(Generic[V]):
    """An entity's fields and how each is stored. A field whose value is None is
    not written; a missing attribute reads back as the field's default."""

    build: Callable[..., V]
    fields: Mapping[str, Codec[Any]]
    defaults: Mapping[str, Any]
    _unset: dict[str, Any] = field(init=False, repr=False, compare=False)

    def attributes(self, entity: V, currency: str) -> Item:
        out: Item = {}
        for name, codec in self.fields.items():
            value = getattr(entity, name)
            if value is not None:
                out[name] = codec.put(value, currency)
        return out

    def __post_init__(self) -> None:
        # Every field at its default, copied for each item read: then only the item's own
        # attributes are decoded (a ledger entry stores a dozen of its fifty fields).
        object.__setattr__(self, "_unset", {name: self.defaults.get(name) for name in self.fields})

    def entity(self, item: Item, currency: str | None = None) -> V:
        cur = currency or item["currency"]["S"]
        values = dict(self._unset)
        fields = self.fields
        for name, attr in item.items():
            codec = fields.get(name)
            if codec is not None and "NULL" not in attr:
                values[name] = codec.get(attr, cur)
        return self.build(**values)
