"""How a pool's fees, its investors' subscription lots and its running tally are
stored: the codecs pool_items.py's shapes use for them (kept apart so the table's
layout module stays about keys and entities)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib.adapters.attributes import Codec
from chalicelib.domain import money
from chalicelib.domain.fees import Crystallisation, FeePolicy, Lot
from chalicelib.domain.model import Tally


class _Fees(Codec[FeePolicy]):
    """A pool's fee policy, as one map on its STATE item."""

    def put(self, value: FeePolicy, currency: str) -> dict[str, Any]:
        m: dict[str, Any] = {
            "management_rate": {"N": str(value.management_rate)},
            "performance_rate": {"N": str(value.performance_rate)},
            "hurdle_rate": {"N": str(value.hurdle_rate)},
            "crystallisation": {"S": value.crystallisation.value},
            "payee": {"S": value.payee},
        }
        if value.since is not None:
            m["since"] = {"S": value.since.isoformat()}
        if value.opening_hwm is not None:
            m["opening_hwm"] = {"N": str(value.opening_hwm)}
        return {"M": m}

    def get(self, attr: dict[str, Any], currency: str) -> FeePolicy:
        m = attr["M"]
        return FeePolicy(
            management_rate=Decimal(m["management_rate"]["N"]),
            performance_rate=Decimal(m["performance_rate"]["N"]),
            hurdle_rate=Decimal(m["hurdle_rate"]["N"]),
            crystallisation=Crystallisation(m["crystallisation"]["S"]),
            payee=m["payee"]["S"],
            since=date.fromisoformat(m["since"]["S"]) if "since" in m else None,
            opening_hwm=money.quantize_places(Decimal(m["opening_hwm"]["N"]), money.NAV_PER_UNIT_PLACES)
            if "opening_hwm" in m
            else None,
        )


class _Lots(Codec[tuple[Lot, ...]]):
    """An investor's subscription lots, oldest first, as a list on their item."""

    def put(self, value: tuple[Lot, ...], currency: str) -> dict[str, Any]:
        return {
            "L": [
                {"L": [{"S": lot.lot_id}, {"N": str(lot.units)}, {"N": str(lot.hwm)}, {"S": lot.hwm_since.isoformat()}]}
                for lot in value
            ]
        }

    def get(self, attr: dict[str, Any], currency: str) -> tuple[Lot, ...]:
        out = []
        for row in attr["L"]:
            lot_id, units, hwm, since = row["L"]
            out.append(
                Lot(
                    lot_id["S"],
                    money.quantize_units(Decimal(units["N"])),
                    money.quantize_places(Decimal(hwm["N"]), money.NAV_PER_UNIT_PLACES),
                    date.fromisoformat(since["S"]),
                )
            )
        return tuple(out)


class _Tally(Codec[Tally]):
    """A pool's running counts for the firm at a glance, as one map on its STATE item."""

    def put(self, value: Tally, currency: str) -> dict[str, Any]:
        return {
            "M": {
                "month": {"S": value.month},
                "month_in": {"N": str(value.month_in)},
                "month_out": {"N": str(value.month_out)},
                "year": {"N": str(value.year)},
                "year_in": {"N": str(value.year_in)},
                "year_out": {"N": str(value.year_out)},
                "open_orders": {"N": str(value.open_orders)},
                "awaiting_approval": {"N": str(value.awaiting_approval)},
            }
        }

    def get(self, attr: dict[str, Any], currency: str) -> Tally:
        m = attr["M"]

        def cash(name: str) -> Decimal:
            return money.quantize_money(Decimal(m[name]["N"]), currency)

        return Tally(
            month=m["month"]["S"],
            month_in=cash("month_in"),
            month_out=cash("month_out"),
            year=int(m["year"]["N"]),
            year_in=cash("year_in"),
            year_out=cash("year_out"),
            open_orders=int(m["open_orders"]["N"]),
            awaiting_approval=int(m["awaiting_approval"]["N"]),
        )


FEES, LOTS, TALLY = _Fees(), _Lots(), _Tally()
