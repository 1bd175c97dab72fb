"""A year of a fee-charging pool through the HTTP API, to the cent: the worked
example in docs/accounting.md ("A year with fees"). Two investors come in at
different NAVs; a 1.2% management fee accrues at each monthly valuation; a 20%
performance fee above a 5% hurdle crystallises quarterly; Alice redeems in the
middle of a quarter; the pool pays a distribution. Every figure below is the
table in the docs, worked by hand from the rules written there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal as D
from typing import Any

import pytest

from chalicelib import wiring
from chalicelib.consumers.alerts import send_alerts
from tests.support.api import Api, add_investor, error, make_pool
from tests.support.calendar import set_calendar, tick
from tests.support.events import TableStream, sent_emails

FEES = {
    "management_rate": "0.012",
    "performance_rate": "0.20",
    "hurdle_rate": "0.05",
    "crystallisation": "quarterly",
    "payee": "manager",
}

# Each dealing day (the last weekday of the month): IDX's closing price.
PRICES = {
    "2026-01-30": "100.00",
    "2026-02-27": "102.00",
    "2026-03-31": "106.00",
    "2026-04-30": "104.00",
    "2026-05-29": "108.00",
    "2026-06-30": "111.00",
    "2026-07-31": "110.00",
    "2026-08-31": "114.00",
    "2026-09-30": "115.00",
    "2026-10-30": "112.00",
    "2026-11-30": "114.00",
    "2026-12-31": "117.00",
}


@pytest.fixture
def set_clock(api: Api, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    return set_calendar(monkeypatch, datetime(2025, 12, 31, 9, tzinfo=UTC))


def ok(resp: Any, status: int = 200) -> dict[str, Any]:
    assert resp.status_code == status, resp.body
    return resp.json_body


def value_day(api: Api, pid: str, day: str, set_clock: Callable[[str], None]) -> dict[str, Any]:
    """The manager proposes the day's valuation at 17:00 and finance approves it at 17:30."""
    tick("IDX", PRICES[day], f"{day}T16:30:00")
    set_clock(f"{day}T17:00:00")
    proposed = ok(api.post(f"/pools/{pid}/valuations", {"dealing_date": day}), 201)
    set_clock(f"{day}T17:30:00")
    approved = ok(api.post(f"/pools/{pid}/valuations/{proposed['id']}/approve", as_user="finance"))
    assert approved["settled"], approved
    return proposed


def row(api: Api, pid: str, v: dict[str, Any], names: dict[str, str]) -> tuple[str, ...]:
    pool = ok(api.get(f"/pools/{pid}"))
    people = {i["id"]: i for i in ok(api.get(f"/pools/{pid}/investors?limit=50"))["items"]}
    f = v["fees"]
    return (
        v["dealing_date"],
        f["management_fee"],
        v["nav"],
        v["nav_per_unit"],
        f["performance_fee_accrued"],
        f["performance_fee_crystallising"],
        f["performance_fee_on_redemptions"],
        pool["cash"],
        pool["fees_payable"],
        *(people[i]["units"] for i in names),
    )


# The table in docs/accounting.md: after each dealing day's valuation is approved and settled.
COLUMNS = (
    "dealing day",
    "management fee",
    "NAV",
    "NAV per unit",
    "performance fee accrued",
    "crystallised",
    "on redemptions",
    "cash",
    "fees payable",
    "Alice's units",
    "Bob's units",
)
EXPECTED = [
    ("2026-01-30", "0.00", "0.00", "1.000000", "0.00", "0.00", "0.00", "100000.00", "0.00", "100000.000000", "0.000000"),
    ("2026-02-27", "93.71", "101706.29", "1.017063", "266.26", "0.00", "0.00", "10000.00", "93.71", "100000.000000", "0.000000"),
    ("2026-03-31", "110.78", "105195.51", "1.051955", "878.04", "878.04", "0.00", "8917.47", "0.00", "99165.325512", "0.000000"),
    (
        "2026-04-30",
        "101.11",
        "102416.36",
        "1.032784",
        "0.00",
        "0.00",
        "0.00",
        "58917.47",
        "101.11",
        "99165.325512",
        "48412.834390",
    ),
    (
        "2026-05-29",
        "150.46",
        "157665.90",
        "1.068355",
        "465.63",
        "0.00",
        "0.00",
        "12117.47",
        "251.57",
        "99165.325512",
        "48412.834390",
    ),
    (
        "2026-06-30",
        "170.13",
        "161545.77",
        "1.094646",
        "1108.45",
        "1108.45",
        "0.00",
        "10587.32",
        "0.00",
        "98625.105203",
        "47940.444229",
    ),
    (
        "2026-07-31",
        "162.13",
        "158925.19",
        "1.084328",
        "0.00",
        "0.00",
        "0.00",
        "10587.32",
        "162.13",
        "98625.105203",
        "47940.444229",
    ),
    (
        "2026-08-31",
        "167.47",
        "164157.72",
        "1.120029",
        "477.01",
        "0.00",
        "65.09",
        "11051.83",
        "394.69",
        "78625.105203",
        "47940.444229",
    ),
    (
        "2026-09-30",
        "140.94",
        "142766.20",
        "1.128002",
        "501.48",
        "501.48",
        "0.00",
        "10014.72",
        "0.00",
        "78348.926614",
        "47772.049137",
    ),
    (
        "2026-10-30",
        "136.91",
        "138677.81",
        "1.099562",
        "0.00",
        "0.00",
        "0.00",
        "10014.72",
        "136.91",
        "78348.926614",
        "47772.049137",
    ),
    (
        "2026-11-30",
        "140.62",
        "137837.19",
        "1.092897",
        "0.00",
        "0.00",
        "0.00",
        "7014.72",
        "277.53",
        "78348.926614",
        "47772.049137",
    ),
    (
        "2026-12-31",
        "143.99",
        "141143.20",
        "1.119110",
        "23.63",
        "23.63",
        "0.00",
        "6569.57",
        "0.00",
        "78335.809047",
        "47764.051710",
    ),
]


def by_hand() -> list[tuple[str, ...]]:
    """The same year worked straight from the rules in docs/accounting.md, sharing no code with
    Pooldesk: a spreadsheet's columns, one line per rule."""
    from datetime import date
    from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_UP, localcontext

    def cents(x: D, r: str = ROUND_DOWN) -> D:
        return x.quantize(D("0.01"), rounding=r)

    def six(x: D, r: str = ROUND_DOWN) -> D:
        return x.quantize(D("0.000001"), rounding=r)

    quarter_ends = {"2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"}
    orders = {
        "2026-01-30": [("A", "sub", D("100000.00"))],
        "2026-04-30": [("B", "sub", D("50000.00"))],
        "2026-08-31": [("A", "red", D("20000"))],
    }
    with localcontext() as ctx:
        ctx.prec = 40
        cash, qty, payable, distributed = D("0.00"), D(0), D("0.00"), D(0)
        units = {"A": D("0.000000"), "B": D("0.000000")}
        lots: dict[str, list[list[Any]]] = {"A": [], "B": []}  # [units, mark, since]
        accrued_to = date(2025, 12, 31)

        def lot_fee(lot: list[Any], navpu: D, day: date) -> D:
            # 20% of NAV per unit (distributions added back) above the mark grown 5% a year, rounded down.
            above = navpu + distributed - lot[1] * D("1.05") ** (D((day - lot[2]).days) / 365)
            return cents(D("0.20") * above * lot[0]) if above > 0 else D("0.00")

        rows = []
        for day_s, price in PRICES.items():
            day = date.fromisoformat(day_s)
            if day_s == "2026-08-31":
                qty, cash = qty - 200, cash + 200 * D("114.00")
            gross = cents(cash + cents(qty * D(price), ROUND_HALF_EVEN), ROUND_HALF_EVEN)
            total = units["A"] + units["B"]
            management = cents(D("0.012") * (gross - payable) * (day - accrued_to).days / 365)
            nav = gross - payable - management
            navpu = (nav / total).quantize(D("0.000001"), rounding=ROUND_HALF_EVEN) if total else D("1.000000")
            accrued = sum((lot_fee(lot, navpu, day) for who in lots for lot in lots[who]), D("0.00"))
            payable, accrued_to = payable + management, day
            on_redemptions = D("0.00")
            for who, kind, x in sorted(orders.get(day_s, []), key=lambda o: o[1] != "sub"):
                if kind == "sub":
                    issued = six(x * total / nav) if total else six(x)
                    cash, units[who] = cash + x, units[who] + issued
                    lots[who].append([issued, navpu + distributed, day])
                    continue
                fee, left = D("0.00"), x
                for lot in lots[who]:  # first in, first out
                    part = min(lot[0], left)
                    fee += lot_fee([part, lot[1], lot[2]], navpu, day)
                    lot[0], left = lot[0] - part, left - part
                lots[who] = [lot for lot in lots[who] if lot[0] > 0]
                cash -= cents(x * nav / total) - fee
                units[who] -= x
                payable, on_redemptions = payable + fee, on_redemptions + fee
            crystallised = D("0.00")
            if day_s in quarter_ends:
                for who, held in lots.items():
                    for lot in held:
                        fee = lot_fee(lot, navpu, day)
                        if fee > 0:
                            cancelled = six(fee / navpu, ROUND_UP)
                            lot[0], lot[1], lot[2] = lot[0] - cancelled, navpu + distributed, day
                            units[who] -= cancelled
                            payable, crystallised = payable + fee, crystallised + fee
                paid = min(payable, cash)
                cash, payable = cash - paid, payable - paid
            figures = (management, nav, navpu, accrued, crystallised, on_redemptions, cash, payable, units["A"], units["B"])
            rows.append((day_s, *(str(f) for f in figures)))
            if day_s == "2026-01-30":
                qty, cash = qty + 900, cash - 900 * D("100.00")
            if day_s == "2026-04-30":
                qty, cash = qty + 450, cash - 450 * D("104.00")
            if day_s == "2026-10-30":
                distributed += (D("3000.00") / (units["A"] + units["B"])).quantize(D("0.00000001"), rounding=ROUND_HALF_EVEN)
                cash -= D("3000.00")
        return rows


def test_the_worked_year_is_what_the_rules_give_by_hand() -> None:
    assert by_hand() == EXPECTED


def test_a_year_of_fees_to_the_cent(api: Api, set_clock: Callable[[str], None]) -> None:
    pid = make_pool(api, name="Harbour Growth Fund")["id"]
    # Fees are computed at approved valuations: an instant pool cannot charge them.
    instant = api.request("PUT", f"/pools/{pid}/fees", FEES)
    assert (instant.status_code, error(instant)["code"]) == (409, "instant_dealing")
    ok(api.request("PUT", f"/pools/{pid}/dealing", {"mode": "forward", "frequency": "monthly"}))
    fees = ok(api.request("PUT", f"/pools/{pid}/fees", FEES))
    assert (fees["since"], fees["opening_high_water_mark"], fees["fees_payable"]) == ("2025-12-31", "1.000000", "0.00")
    assert fees["summary"] == (
        "management 1.2% a year; performance 20% above the high-water mark, hurdle 5% a year, "
        "crystallising quarterly; paid to the manager"
    )
    # Finance reads the fees and cannot set them; a pool that charges fees cannot go back to instant dealing.
    assert ok(api.get(f"/pools/{pid}/fees", as_user="finance"))["management_rate"] == "0.012"
    refused = api.request("PUT", f"/pools/{pid}/fees", FEES, as_user="finance")
    assert (refused.status_code, error(refused)["code"]) == (403, "forbidden")
    back = api.request("PUT", f"/pools/{pid}/dealing", {"mode": "instant"})
    assert (back.status_code, error(back)["code"], error(back)["field"]) == (409, "fees_need_forward_dealing", "mode")
    alice = add_investor(api, pid, "Alice")["id"]
    bob = add_investor(api, pid, "Bob")["id"]
    names = {alice: "Alice", bob: "Bob"}
    ok(api.post(f"/pools/{pid}/orders", {"investor_id": alice, "type": "subscription", "amount": "100000.00"}), 201)

    table = []
    for day in PRICES:
        if day == "2026-04-30":
            ok(api.post(f"/pools/{pid}/orders", {"investor_id": bob, "type": "subscription", "amount": "50000.00"}), 201)
        if day == "2026-08-31":
            ok(api.post(f"/pools/{pid}/orders", {"investor_id": alice, "type": "redemption", "units": "20000"}), 201)
            ok(api.post(f"/pools/{pid}/trades", {"symbol": "IDX", "side": "sell", "quantity": "200", "price": "114.00"}), 201)
        v = value_day(api, pid, day, set_clock)
        table.append(row(api, pid, v, names))
        if day == "2026-01-30":
            ok(api.post(f"/pools/{pid}/trades", {"symbol": "IDX", "side": "buy", "quantity": "900", "price": "100.00"}), 201)
        if day == "2026-04-30":
            ok(api.post(f"/pools/{pid}/trades", {"symbol": "IDX", "side": "buy", "quantity": "450", "price": "104.00"}), 201)
        if day == "2026-10-30":
            set_clock("2026-11-16T10:00:00")
            ok(api.post(f"/pools/{pid}/distributions", {"amount": "3000.00", "memo": "Half-year income"}), 201)
    assert table == EXPECTED

    # The year's fees, as the activity shows them: each crystallisation names its investor and units cancelled.
    entries = ok(api.get(f"/pools/{pid}/activity?limit=200"))["items"]
    crystallised = [(e["investor_name"], e["performance_fee"], e["units"]) for e in entries if e["type"] == "fees.crystallised"]
    assert sum(D(fee) for _, fee, _ in crystallised) == D("878.04") + D("1108.45") + D("501.48") + D("23.63")
    assert sorted(crystallised) == [
        ("Alice", "14.68", "13.117567"),
        ("Alice", "311.53", "276.178589"),
        ("Alice", "591.35", "540.220309"),
        ("Alice", "878.04", "834.674488"),
        ("Bob", "189.95", "168.395092"),
        ("Bob", "517.10", "472.390161"),
        ("Bob", "8.95", "7.997427"),
    ]
    paid = [e["amount"] for e in entries if e["type"] == "fees.paid"]
    assert sum(D(a) for a in paid) == D("93.71") + D("110.78") + D("878.04") + D("101.11") + D("150.46") + D("170.13") + D(
        "1108.45"
    ) + D("162.13") + D("167.47") + D("65.09") + D("140.94") + D("501.48") + D("136.91") + D("140.62") + D("143.99") + D("23.63")
    redemption = next(e for e in entries if e["type"] == "withdrawal")
    assert (redemption["units"], redemption["performance_fee"], redemption["payable_delta"]) == ("20000.000000", "65.09", "65.09")
    # Investors see what they have paid; the ledger refolds to every stored figure, fees payable included.
    people = {i["name"]: i for i in ok(api.get(f"/pools/{pid}/investors?limit=50"))["items"]}
    assert (people["Alice"]["performance_fees"], people["Bob"]["performance_fees"]) == ("1860.69", "716.00")
    assert wiring.reconciliation().pool(pid).reconciled
    # Nothing is owed after the year-end payment; a payment of nothing is refused and changes nothing.
    nothing = api.post(f"/pools/{pid}/fees/pay", {})
    assert (nothing.status_code, error(nothing)["code"]) == (409, "no_fees_payable")
    accrued = ok(api.get(f"/pools/{pid}/fees/accrued"))
    assert (accrued["fees_payable"], accrued["accrued_from"], accrued["days"]) == ("0.00", "2026-12-31", 0)
    assert {r["name"]: r["performance_fees_paid"] for r in accrued["investors"]} == {"Alice": "1860.69", "Bob": "716.00"}

    # The same year's returns and statements (one replay of the year serves them all).
    returns_over_the_year_separate_performance_from_cash_flows(api, pid)
    alices_third_quarter_statement_and_emailing_every_statement_once(api, pid)


def returns_over_the_year_separate_performance_from_cash_flows(api: Api, pid: str) -> None:
    """After the year: the pool's time-weighted return from its official NAVs, with the
    November distribution reinvested, and each investor's money-weighted return."""
    # Finance cannot pick the benchmark; the manager can, and it is kept on the pool.
    refused = api.request("PUT", f"/pools/{pid}/benchmark", {"symbol": "IDX"}, as_user="finance")
    assert (refused.status_code, error(refused)["code"]) == (403, "forbidden")
    bad = api.request("PUT", f"/pools/{pid}/benchmark", {"symbol": "not a symbol!"})
    assert (bad.status_code, error(bad)["field"]) == (400, "symbol")
    assert ok(api.request("PUT", f"/pools/{pid}/benchmark", {"symbol": "IDX"}))["benchmark_symbol"] == "IDX"
    perf = ok(api.get(f"/pools/{pid}/performance", as_user="finance"))
    # IDX's closes on the pool's own days (stored from the feed, a close per day): 100.00 to 117.00.
    assert perf["benchmark_symbol"] == "IDX"
    assert [(b["day"], b["value"]) for b in perf["benchmark_series"]][::11] == [
        ("2026-01-30", "1.00000000"),
        ("2026-12-31", "1.17000000"),
    ]
    assert (perf["benchmark"]["since_inception"], perf["benchmark"]["qtd"]) == ("0.17000000", "0.01739130")
    assert perf["basis"] == "official NAVs"
    # From the launch price the day before launch, then each official NAV.
    assert [p["day"] for p in perf["series"]] == ["2025-12-30", *PRICES]
    assert [p["net"] for p in perf["series"][:2]] == ["1.00000000", "1.00000000"]
    # Gross of fees beats net; both are well above the 11.91% NAV per unit alone rose (the distribution is reinvested).
    net, gross = D(perf["net"]["since_inception"]), D(perf["gross"]["since_inception"])
    assert D("0.1191") < net < gross
    # A flat month in NAV per unit plus its distribution is not a loss: November's net factor is
    # (1.092897 + 3,000.00 / 126,120.975751) / 1.099562 > 1, though NAV per unit fell.
    index = {p["day"]: D(p["net"]) for p in perf["series"]}
    assert index["2026-11-30"] > index["2026-10-30"]
    alice = next(i for i in ok(api.get(f"/pools/{pid}/investors"))["items"] if i["name"] == "Alice")
    mine = ok(api.get(f"/pools/{pid}/investors/{alice['id']}/performance"))
    assert (mine["paid_in"], mine["performance_fees"]) == ("100000.00", "1860.69")
    assert [(f["day"], f["amount"]) for f in mine["flows"]] == [
        ("2026-01-30", "-100000.00"),
        ("2026-08-31", "22335.49"),
        ("2026-11-16", mine["flows"][2]["amount"]),
    ]
    assert D(mine["xirr"]) > 0


def alices_third_quarter_statement_and_emailing_every_statement_once(api: Api, pid: str) -> None:
    people = {i["name"]: i["id"] for i in ok(api.get(f"/pools/{pid}/investors"))["items"]}
    st = ok(api.get(f"/pools/{pid}/investors/{people['Alice']}/statement?from=2026-07-01&to=2026-09-30", as_user="finance"))
    p = st["period"]
    # Opening: her units at 30 June's official NAV per unit; closing: at 30 September's. Values rounded down.
    assert (p["opening_units"], p["opening_nav_per_unit"], p["opening_value"]) == ("98625.105203", "1.094646", "107959.57")
    assert (p["closing_units"], p["closing_nav_per_unit"], p["closing_value"]) == ("78348.926614", "1.128002", "88377.74")
    assert [(line["type"], line["amount"], line["units"], line["performance_fee"]) for line in st["lines"]] == [
        ("withdrawal", "22335.49", "20000.000000", "65.09"),
        ("fees.crystallised", "311.53", "276.178589", "311.53"),
    ]
    # Her share of July's, August's and September's management fees, by the units she held when each was charged:
    # (162.13 + 167.47) x 98,625.105203 / 146,565.549432 + 140.94 x 78,625.105203 / 126,565.549432 = 309.345...
    assert (p["taken_out"], p["paid_in"], p["distributions"]) == ("22335.49", "0.00", "0.00")
    assert (p["performance_fees"], p["management_fees"], p["early_redemption_fees"], p["fees"]) == (
        "376.62",
        "309.35",
        "0.00",
        "685.97",
    )
    assert p["gain"] == "2753.66"  # 88,377.74 + 22,335.49 - 107,959.57
    # Her money-weighted return a year: the rate at which the opening value paid in on 1 July, the
    # 22,335.49 taken out on 31 August and the closing value on 30 September are worth nothing net.
    rate = D(p["investor_return"])
    npv = -D("107959.57") + D("22335.49") / (1 + rate) ** (D(61) / 365) + D("88377.74") / (1 + rate) ** (D(91) / 365)
    assert abs(npv) < D("0.01") and rate > 0
    # The pool's net time-weighted return over the quarter, from official NAVs, fees collected per unit taken off.
    july = D("1.084328") / D("1.094646")
    august = (D("1.120029") - D("65.09") / D("146565.549432")) / D("1.084328")
    september = (D("1.128002") - D("311.53") / D("126565.549432") - D("189.95") / D("126289.370843")) / D("1.120029")
    assert p["period_return"] == str((july * august * september - 1).quantize(D("0.00000001")))
    assert (st["manager"]["email"], st["pool"]["name"]) == ("manager@example.com", "Harbour Growth Fund")
    # A period that ends before it starts, or a day that is not a date, is refused naming the field.
    bad = api.get(f"/pools/{pid}/investors/{people['Alice']}/statement?from=2026-10-01&to=2026-09-30")
    assert (bad.status_code, error(bad)["field"], error(bad)["code"]) == (400, "to", "invalid_period")
    bad = api.get(f"/pools/{pid}/investors/{people['Alice']}/statement?from=30/09/2026")
    assert (bad.status_code, error(bad)["field"]) == (400, "from")

    # Every investor's statement for the year, to print in one go.
    every = ok(api.get(f"/pools/{pid}/statements?from=2026-01-01&to=2026-12-31"))["items"]
    assert [s["investor"]["name"] for s in every] == ["Alice", "Bob"]
    assert [s["period"]["performance_fees"] for s in every] == ["1860.69", "716.00"]

    # Finance has each investor emailed their statement: one message each, never twice for the same period.
    stream = TableStream("test-pooldesk-pools")
    stream.batch()  # what happened before
    period = {"from": "2026-10-01", "to": "2026-12-31"}
    refused = api.post(f"/pools/{pid}/statements/email", period)
    assert (refused.status_code, error(refused)["code"]) == (403, "forbidden")  # the manager does not send them
    asked = ok(api.post(f"/pools/{pid}/statements/email", period, as_user="finance"), 202)
    assert (asked["start"], asked["end"], asked["investors"]) == ("2026-10-01", "2026-12-31", 2)
    again = api.post(f"/pools/{pid}/statements/email", period, as_user="finance")
    assert (again.status_code, error(again)["code"]) == (409, "statements_already_sent")
    batch = stream.batch()
    assert send_alerts(batch, None) == {"batchItemFailures": []}
    assert send_alerts(batch, None) == {"batchItemFailures": []}  # delivered twice: sent once
    mails = [m for m in sent_emails() if "your statement" in m.subject]
    assert sorted(m.destinations["ToAddresses"][0] for m in mails) == ["alice@example.com", "bob@example.com"]
    assert all(len(m.destinations["ToAddresses"]) == 1 for m in mails)  # each to the investor alone
    alices = next(m for m in mails if m.destinations["ToAddresses"] == ["alice@example.com"])
    assert alices.subject == "Harbour Growth Fund: your statement, 2026-10-01 to 2026-12-31"
    assert "Closing: 78335.809047 units" in alices.body
    logged = [e for e in ok(api.get(f"/pools/{pid}/activity?limit=5"))["items"] if e["type"] == "statements.sent"]
    assert [e["memo"] for e in logged] == [
        "statements for 2026-10-01 to 2026-12-31, emailed to each investor with an address (2)"
    ]
