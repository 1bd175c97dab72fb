"""Alerts, live updates and who-did-what, as use cases over the in-memory ports
(held to the AWS adapters' contracts in tests/integration/test_port_contracts.py):
no moto, no stream, just the rules."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from chalicelib.adapters.memory import InMemoryPoolRepository, InMemoryPriceStore
from chalicelib.adapters.memory_people import (
    InMemoryAlertStore,
    InMemoryConnections,
    RecordingMailer,
    RecordingPusher,
    StaticDirectory,
)
from chalicelib.domain.errors import NotFound
from chalicelib.services.alerts import Alerts
from chalicelib.services.live import LiveUpdates
from chalicelib.services.market_ports import PricePoint
from chalicelib.services.pools import PoolService
from chalicelib.services.ports import Person, Principal

MANAGER = Principal("m-1", "", frozenset({"managers"}))
OTHER_MANAGER = Principal("m-2", "", frozenset({"managers"}))
FINANCE = Principal("f-1", "", frozenset({"finance"}))
DIRECTORY = StaticDirectory(
    finance=["finance@example.com"],
    users={"m-1": Person("m-1", "Morgan Manager", "manager@example.com")},
)


World = tuple[PoolService, Alerts, RecordingMailer, str, str]


@pytest.fixture
def world() -> World:
    repo = InMemoryPoolRepository()
    svc = PoolService(repo, sleep=lambda _: None, directory=DIRECTORY)
    mailer = RecordingMailer()
    alerts = Alerts(repo, InMemoryAlertStore(), DIRECTORY, mailer, "https://pooldesk.example")
    pool = svc.create_pool(MANAGER, name="Rules Fund", currency="USD")
    alice = svc.add_investor(MANAGER, pool.id, name="Alice", email="alice@example.com").id
    svc.contribute(MANAGER, pool.id, investor_id=alice, amount="1000.00")
    return svc, alerts, mailer, pool.id, alice


def test_entries_name_who_recorded_them_from_the_directory(world: World) -> None:
    svc, _, _, pool_id, alice = world
    entry = svc.withdraw(MANAGER, pool_id, investor_id=alice, amount="10.00").entry
    assert (entry.actor, entry.actor_name, entry.investor_name) == ("m-1", "Morgan Manager <manager@example.com>", "Alice")
    # Someone the directory does not know keeps their id alone; it never stops the money.
    stranger = Principal("m-9", "", frozenset({"managers"}))
    own = svc.create_pool(stranger, name="Stranger Fund", currency="USD")
    assert svc.repo.ledger(own.id)[0].actor_name is None


def test_a_large_withdrawal_emails_finance_once_naming_people(
    world: World,
) -> None:
    svc, alerts, mailer, pool_id, alice = world
    small = svc.withdraw(MANAGER, pool_id, investor_id=alice, amount="99.00").entry  # 9.9% of NAV
    large = svc.withdraw(MANAGER, pool_id, investor_id=alice, amount="200.00").entry  # 22%
    assert alerts.on_entry(small) is False
    assert alerts.on_entry(large) is True
    assert alerts.on_entry(large) is False  # a redelivered record sends nothing twice
    (email,) = mailer.sent
    assert email.to == ("finance@example.com",)
    assert email.subject == "Large withdrawal from Rules Fund: 200.00 USD"
    assert "Investor: Alice <alice@example.com>" in email.text
    assert "Recorded by Morgan Manager <manager@example.com>" in email.text


def test_an_email_that_fails_is_sent_by_the_retry(world: World) -> None:
    svc, alerts, mailer, pool_id, _ = world
    entry = svc.distribute(MANAGER, pool_id, amount="50.00").entry
    mailer.failing = 1
    with pytest.raises(ConnectionError):
        alerts.on_entry(entry)
    assert alerts.on_entry(entry) is True  # the claim was released, so the retry sends it
    assert [e.subject for e in mailer.sent] == ["Distribution paid from Rules Fund: 50.00 USD"]


def test_subscribers_see_only_pools_they_may_read_and_gone_ones_are_dropped(
    world: World,
) -> None:
    svc, _, _, pool_id, _ = world
    tokens = {"t-manager": MANAGER, "t-other": OTHER_MANAGER, "t-finance": FINANCE}
    connections, pusher = InMemoryConnections(), RecordingPusher()
    live = LiveUpdates(svc, lambda ticket: tokens[ticket or ""], connections, pusher)
    for connection, token in (("c1", "t-manager"), ("c2", "t-other"), ("c3", "t-finance")):
        live.connect(connection, token)
        live.receive(connection, f'{{"action": "subscribe", "pool_id": "{pool_id}"}}')
    assert pusher.sent["c1"][-1] == {"type": "subscribed", "pool_id": pool_id}
    assert pusher.sent["c2"][-1]["code"] == "pool_not_found"  # another manager's pool: not found
    assert pusher.sent["c3"][-1] == {"type": "subscribed", "pool_id": pool_id}  # finance reads every pool
    pusher.gone.add("c3")
    assert live.publish(pool_id, {"type": "pool.updated"}) == (1, 1)
    assert connections.subscribers(pool_id) == ["c1"]


def test_a_trade_is_marked_at_the_market_price_the_store_knows() -> None:
    repo, prices = InMemoryPoolRepository(), InMemoryPriceStore()
    svc = PoolService(repo, sleep=lambda _: None, prices=prices)
    pool = svc.create_pool(MANAGER, name="Marks Fund", currency="USD")
    alice = svc.add_investor(MANAGER, pool.id, name="Alice").id
    svc.contribute(MANAGER, pool.id, investor_id=alice, amount="1000.00")
    prices.record([PricePoint("ACME", D("186.00"), D(1))])
    svc.trade(MANAGER, pool.id, symbol="acme", side="buy", quantity="2", price="191.40")
    assert svc.get_pool(MANAGER, pool.id).positions["ACME"].last_price == D("186.00")
    with pytest.raises(NotFound):
        svc.get_pool(OTHER_MANAGER, pool.id)


def test_a_rename_and_close_in_one_request_both_reach_the_ledger_with_who_did_them(world: World) -> None:
    svc, _, _, pool_id, _ = world
    svc.update_pool(MANAGER, pool_id, name="Renamed Fund", status="closed")
    by_type = {e.type.value: e for e in svc.repo.ledger(pool_id)}
    renamed, closed = by_type["pool.renamed"], by_type["pool.closed"]
    assert renamed.id != closed.id and renamed.created_at <= closed.created_at  # both recorded, rename first
    assert renamed.actor_name == closed.actor_name == "Morgan Manager <manager@example.com>"
