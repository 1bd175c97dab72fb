"""Market ticks from Kinesis: conflated per symbol, each pool revalued once per
batch, late ticks never win, redelivery changes nothing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import apply_market_ticks
from chalicelib import wiring
from chalicelib.domain.errors import InvalidInput
from chalicelib.services.market import conflate, parse_json_tick, parse_tick
from chalicelib.services.market_ports import PricePoint, Revaluation
from tests.support.api import Api, add_investor, contribute, error, make_pool
from tests.support.events import kinesis_batch


@pytest.fixture
def holding(api: Api) -> dict[str, str]:
    """Two pools: A holds ACME and BETA, B holds ACME."""
    ids = {}
    for name, buys in (("A", [("ACME", "10", "100"), ("BETA", "4", "50")]), ("B", [("ACME", "1", "100")])):
        pid = make_pool(api, name=f"Pool {name}")["id"]
        inv = add_investor(api, pid, "Alice")
        contribute(api, pid, inv["id"], "2000.00")
        for symbol, qty, price in buys:
            api.post(f"/pools/{pid}/trades", {"symbol": symbol, "side": "buy", "quantity": qty, "price": price})
        ids[name] = pid
    return ids


def test_conflation_keeps_the_latest_tick_per_symbol() -> None:
    ticks = [
        PricePoint("A", D("1"), D("10")),
        PricePoint("A", D("3"), D("30")),
        PricePoint("A", D("2"), D("20")),
        PricePoint("B", D("5"), D("10")),
        PricePoint("B", D("6"), D("10")),
    ]
    assert conflate(ticks) == [PricePoint("A", D("3"), D("30")), PricePoint("B", D("6"), D("10"))]


@pytest.mark.parametrize(
    ("raw", "symbol", "price", "ts"),
    [
        (b'{"symbol": "ACME", "price": "101.30", "ts": "1700000000.123"}', "ACME", "101.30", "1700000000.123"),
        (b' \n{"symbol": " acme ", "price": 101.3, "ts": 1700000000} \n', "ACME", "101.3", "1700000000"),
        (b'{"symbol": "BRK.B", "price": " 1E2 ", "ts": 1.5}', "BRK.B", "1E+2", "1.5"),
        (b'{"symbol": "X", "price": "0.123456", "ts": "2"}', "X", "0.123456", "2"),
        (b'{"symbol": "X", "price": 7, "ts": 3}', "X", "7", "3"),
    ],
)
def test_a_tick_is_read_exactly_in_every_shape_producers_send(raw: bytes, symbol: str, price: str, ts: str) -> None:
    # Every tick goes through fast paths (one regular expression for a plain price,
    # the JSON scanner without decode()'s wrapping); other shapes through the full rules.
    tick = parse_tick(raw)
    assert (tick.symbol, tick.price, tick.ts) == (symbol, D(price), D(ts))
    assert str(tick.price) == price


# Pieces of ticks, right and nearly right: each tick is built from one of each, so the
# canonical shape, its near misses and other shapes all come up.
_spaces = st.sampled_from(["", " ", "  ", "\n", "\t", "\x0b", "\r\n"])
_symbols = st.sampled_from(["ACME", "BRK.B", "X", "acme", " ACME", "A" * 20, "A" * 21, "", "ÉCU", "A\\u0042", "1:2/3_4-5"])
_numbers = st.sampled_from(
    [
        *("101.25", "0", "0.0", "007", "1.", ".5", "1e3", "1E-2", "123456789012345", "1234567890123456"),
        *("0.123456", "0.1234567", "-1", "1700000000", "1700000000.123456789", "17000000000000", "NaN", "true", "null"),
    ]
)


@st.composite
def ticks(draw: st.DrawFn) -> bytes:
    def value(number: str) -> str:
        return json.dumps(number) if draw(st.booleans()) else number

    fields = [
        ("symbol", json.dumps(draw(_symbols), ensure_ascii=False) if draw(st.integers(0, 9)) else "7"),
        ("price", value(draw(_numbers))),
        ("ts", value(draw(_numbers))),
    ]
    if draw(st.integers(0, 9)) == 0:
        fields = draw(st.permutations(fields))
    if draw(st.integers(0, 19)) == 0:
        fields.append(("symbol", '"OTHER"'))  # a key given twice: JSON keeps the last
    w = draw(_spaces)
    return ("{" + w + ("," + w).join(f'"{k}"{w}:{w}{v}' for k, v in fields) + w + "}").encode()


@settings(max_examples=400, deadline=None)
@given(ticks())
def test_the_canonical_path_reads_every_tick_exactly_as_the_json_path(raw: bytes) -> None:
    # parse_tick reads the usual shape with one regular expression; anything it may take
    # must come out as the JSON path reads it, and whatever the JSON path refuses, refused.
    try:
        expected: PricePoint | str = parse_json_tick(raw)
    except InvalidInput as exc:
        expected = exc.code
    try:
        got: PricePoint | str = parse_tick(raw)
    except InvalidInput as exc:
        got = exc.code
    assert got == expected, raw
    if isinstance(got, PricePoint) and isinstance(expected, PricePoint):
        assert (str(got.price), str(got.ts)) == (str(expected.price), str(expected.ts))  # same digits, not just equal


@pytest.mark.parametrize(
    "raw",
    [
        b"nope",
        b"[]",
        b'{"symbol": "X", "price": "1", "ts": 1} trailing',
        b'{"symbol": "X", "price": "1.1234567", "ts": 1}',
        b'{"symbol": "X", "price": "0", "ts": 1}',
        b'{"symbol": "X", "price": "1000000000000000", "ts": 1}',
        b'{"symbol": "X", "price": true, "ts": 1}',
        '{"symbol": "\u00e9", "price": "1", "ts": 1}'.encode(),
        b'{"symbol": "X", "price": "1", "ts": "soon"}',
        b"\xff\xfe",
        b'{"symbol": "X", "price": "-1", "ts": 1}',
        b'{"symbol": "X", "price": "1"}',
        b'{"symbol": "", "price": "1", "ts": 1}',
        b'{"symbol": "X", "price": "NaN", "ts": 1}',
    ],
)
def test_malformed_ticks_are_refused(raw: bytes) -> None:
    with pytest.raises(Exception) as exc:
        parse_tick(raw)
    assert getattr(exc.value, "code", "").startswith("invalid")


def test_a_batch_revalues_each_affected_pool_once(api: Api, holding: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    repo = wiring.market_data().repo
    calls: list[str] = []
    real = repo.revalue_many

    def counting(revaluations: Sequence[Revaluation]) -> set[str]:
        calls.extend(r.pool.id for r in revaluations)
        return real(revaluations)

    monkeypatch.setattr(repo, "revalue_many", counting)
    batch = kinesis_batch(
        {"symbol": "ACME", "price": "101.00", "ts": 1000},
        {"symbol": "BETA", "price": "55.00", "ts": 1000},
        {"symbol": "ACME", "price": "110.00", "ts": 1002},
        {"symbol": "ACME", "price": "105.00", "ts": 1001},
        {"symbol": "OTHER", "price": "1.00", "ts": 1000},
    )
    assert apply_market_ticks(batch, None) == {"batchItemFailures": []}
    assert sorted(calls) == sorted([holding["A"], holding["B"]])
    a = api.get(f"/pools/{holding['A']}").json_body
    prices = {p["symbol"]: p["last_price"] for p in a["positions"]}
    assert prices == {"ACME": "110.00", "BETA": "55.00"}
    # cash 2000 - 1000 - 200 = 800; NAV = 800 + 10 x 110 + 4 x 55
    assert a["nav"] == "2120.00"
    assert api.get("/prices/ACME").json_body == {"symbol": "ACME", "price": "110.00", "ts": "1002"}
    # The same batch again (redelivery) writes nothing.
    calls.clear()
    assert apply_market_ticks(batch, None) == {"batchItemFailures": []}
    assert calls == []
    assert api.get(f"/pools/{holding['A']}").json_body == a


def test_a_tick_older_than_the_stored_price_never_wins(api: Api, holding: dict[str, str]) -> None:
    apply_market_ticks(kinesis_batch({"symbol": "ACME", "price": "120.00", "ts": 2000}), None)
    apply_market_ticks(kinesis_batch({"symbol": "ACME", "price": "90.00", "ts": 1999}), None)
    b = api.get(f"/pools/{holding['B']}").json_body
    assert b["positions"][0]["last_price"] == "120.00"
    assert api.get("/prices/acme").json_body["price"] == "120.00"


def test_malformed_ticks_are_reported_and_the_rest_applied(api: Api, holding: dict[str, str]) -> None:
    batch = kinesis_batch({"symbol": "ACME", "price": "99.00", "ts": 3000}, b"garbage")
    result = apply_market_ticks(batch, None)
    assert result == {"batchItemFailures": [{"itemIdentifier": batch["Records"][1]["kinesis"]["sequenceNumber"]}]}
    assert api.get(f"/pools/{holding['B']}").json_body["positions"][0]["last_price"] == "99.00"


def test_nav_history_gets_at_most_one_market_point_per_second(api: Api, holding: dict[str, str]) -> None:
    pid = holding["B"]
    before = len(api.get(f"/pools/{pid}/nav-history").json_body["items"])
    for n in range(5):
        apply_market_ticks(kinesis_batch({"symbol": "ACME", "price": f"{100 + n}.00", "ts": 4000 + n}), None)
    points = api.get(f"/pools/{pid}/nav-history").json_body["items"]
    assert 1 <= len(points) - before <= 2  # five revaluations inside a second or two
    assert [p["at"] for p in points] == sorted(p["at"] for p in points)
    assert points[-1]["nav"] in {f"{2000 + n}.00" for n in range(5)}


def test_unknown_prices_are_404(api: Api) -> None:
    resp = api.get("/prices/NOPE")
    assert resp.status_code == 404 and error(resp)["code"] == "price_not_found"
    assert api.get("/prices/NOPE", as_user=None).status_code == 401
