"""One contract, two adapters, for the alert, directory, price and live-update ports: the
in-memory stand-ins that unit tests use behave as the AWS adapters do (moto)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from typing import Any

import boto3
import pytest

from chalicelib.adapters.alerts import DynamoAlertStore
from chalicelib.adapters.cognito import CognitoDirectory
from chalicelib.adapters.memory import InMemoryPriceStore
from chalicelib.adapters.memory_people import InMemoryAlertStore, InMemoryConnections, StaticDirectory
from chalicelib.adapters.prices import DynamoPriceStore
from chalicelib.adapters.push import Connections
from chalicelib.resources import CONNECTIONS_TABLE, create_table_request
from chalicelib.services.market_ports import PricePoint
from chalicelib.services.ports import AlertSettings, InvalidCursor, Person, Principal, SentAlert
from devstack.provision import provision_cognito
from tests.support.api import FINANCE, MANAGER, MANAGER2
from tests.support.events import TABLE_NAME

DAY = date(2026, 3, 2)


@pytest.fixture(params=["memory", "dynamodb"])
def alerts(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "memory":
        yield InMemoryAlertStore()
    else:
        yield DynamoAlertStore(request.getfixturevalue("dynamodb"), TABLE_NAME)


@pytest.fixture(params=["memory", "dynamodb"])
def connections(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "memory":
        yield InMemoryConnections()
    else:
        db = boto3.client("dynamodb", region_name="us-east-1")
        request.getfixturevalue("aws")
        db.create_table(**create_table_request(CONNECTIONS_TABLE, "test-connections"))
        yield Connections(db, "test-connections")


@pytest.fixture(params=["memory", "cognito"])
def directory(request: pytest.FixtureRequest) -> Iterator[tuple[Any, dict[str, str]]]:
    """A directory of the demo users, and their ids by email."""
    if request.param == "memory":
        people = {u.email: f"sub-{n}" for n, u in enumerate((MANAGER, MANAGER2, FINANCE))}
        users = {people[u.email]: Person(people[u.email], u.name, u.email) for u in (MANAGER, MANAGER2, FINANCE)}
        yield StaticDirectory(finance=[FINANCE.email], users=users), people
    else:
        request.getfixturevalue("aws")
        idp = boto3.client("cognito-idp", region_name="us-east-1")
        ids = provision_cognito(idp, [MANAGER, MANAGER2, FINANCE])
        subs = {}
        for u in (MANAGER, MANAGER2, FINANCE):
            attrs = idp.admin_get_user(UserPoolId=ids.user_pool_id, Username=u.email)["UserAttributes"]
            subs[u.email] = next(a["Value"] for a in attrs if a["Name"] == "sub")
        yield CognitoDirectory(idp, ids.user_pool_id), subs


# -- alert store -------------------------------------------------------------------


def test_settings_default_until_saved(alerts: Any) -> None:
    assert alerts.settings("pl_1") == AlertSettings()
    mine = AlertSettings(recipients=("a@example.com",), withdrawal_threshold=D("0.25"))
    alerts.save_settings("pl_1", mine)
    assert alerts.settings("pl_1") == mine
    assert alerts.settings("pl_2") == AlertSettings()


def test_finance_oversight_is_one_for_the_firm_apart_from_any_pool(alerts: Any) -> None:
    assert alerts.oversight() is None
    finance = AlertSettings(recipients=("risk@example.com",), withdrawal_threshold=D("0.05"))
    alerts.save_oversight(finance)
    assert alerts.oversight() == finance
    assert alerts.settings("pl_1") == AlertSettings()


def test_a_cause_is_claimed_once_until_released(alerts: Any) -> None:
    assert alerts.claim("withdrawal:e1") is True
    assert alerts.claim("withdrawal:e1") is False
    alerts.release("withdrawal:e1")
    assert alerts.claim("withdrawal:e1") is True


def test_the_first_opening_of_a_day_stays_and_payouts_scale_it(alerts: Any) -> None:
    assert alerts.day_open("pl_1", DAY) is None
    alerts.scale_day_open("pl_1", DAY, D("0.5"))  # nothing opened yet: nothing to scale
    assert alerts.day_open("pl_1", DAY) is None
    assert alerts.open_day("pl_1", DAY, D("1.25")) == D("1.25")
    assert alerts.open_day("pl_1", DAY, D("9.99")) == D("1.25")
    alerts.scale_day_open("pl_1", DAY, D("0.8"))
    assert alerts.day_open("pl_1", DAY) == D("1.000000000000")
    assert alerts.day_open("pl_1", DAY + timedelta(days=1)) is None


def test_sent_alerts_list_newest_first_in_pages(alerts: Any) -> None:
    t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    for n in range(5):
        alerts.record_sent(SentAlert(f"cause-{n}", f"Subject {n}", "text", ("f@example.com",), "pl_1", t0 + timedelta(minutes=n)))
    first = alerts.sent_alerts(limit=2, cursor=None)
    assert [a.cause for a in first.items] == ["cause-4", "cause-3"]
    second = alerts.sent_alerts(limit=2, cursor=first.next_cursor)
    assert [a.cause for a in second.items] == ["cause-2", "cause-1"]
    last = alerts.sent_alerts(limit=2, cursor=second.next_cursor)
    assert [a.cause for a in last.items] == ["cause-0"]
    assert first.items[0] == SentAlert("cause-4", "Subject 4", "text", ("f@example.com",), "pl_1", t0 + timedelta(minutes=4))
    with pytest.raises(InvalidCursor):
        alerts.sent_alerts(limit=2, cursor="bm90IG91cnM")


# -- directory -----------------------------------------------------------------------


def test_the_directory_names_people_by_id_and_leaves_out_strangers(directory: tuple[Any, dict[str, str]]) -> None:
    people, ids = directory
    found = people.people([ids[MANAGER.email], "no-such-user", ids[FINANCE.email]])
    assert set(found) == {ids[MANAGER.email], ids[FINANCE.email]}
    manager = found[ids[MANAGER.email]]
    assert (manager.name, manager.email) == (MANAGER.name, MANAGER.email)
    assert manager.label == f"{MANAGER.name} <{MANAGER.email}>"
    assert people.people(['" or sub = "x']) == {}  # never a filter expression of someone else's making


def test_the_directory_lists_finance(directory: tuple[Any, dict[str, str]]) -> None:
    people, _ = directory
    assert people.finance_emails() == [FINANCE.email]


# -- live-update connections -----------------------------------------------------------


def test_a_connection_remembers_who_opened_it(connections: Any) -> None:
    who = Principal(user_id="u1", email="m@example.com", groups=frozenset({"managers"}))
    connections.open("c1", who)
    assert connections.principal("c1") == who
    nobody = Principal(user_id="u2", email="", groups=frozenset())
    connections.open("c2", nobody)
    assert connections.principal("c2") == nobody
    assert connections.principal("c3") is None


def test_subscribers_are_those_subscribed_until_they_close(connections: Any) -> None:
    for c in ("c1", "c2", "c3"):
        connections.open(c, Principal(user_id=c, email="", groups=frozenset({"managers"})))
    connections.subscribe("c1", "pl_1")
    connections.subscribe("c2", "pl_1")
    connections.subscribe("c2", "pl_2")
    connections.subscribe("c1", "pl_1")  # again: still one subscription
    assert sorted(connections.subscribers("pl_1")) == ["c1", "c2"]
    assert connections.subscribers("pl_2") == ["c2"]
    connections.close("c2")
    assert connections.subscribers("pl_1") == ["c1"]
    assert connections.subscribers("pl_2") == []
    assert connections.principal("c2") is None


@pytest.fixture(params=["memory", "dynamodb"])
def prices(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "memory":
        yield InMemoryPriceStore()
    else:
        yield DynamoPriceStore(request.getfixturevalue("dynamodb"), TABLE_NAME)


def _print(symbol: str, price: str, when: str) -> PricePoint:
    return PricePoint(symbol, D(price), D(int(datetime.fromisoformat(when + "+00:00").timestamp())))


def test_each_day_keeps_its_last_print_as_its_close_whatever_order_ticks_arrive_in(prices: Any) -> None:
    prices.record([_print("IDX", "100.00", "2026-03-02T10:00:00"), _print("IDX", "101.00", "2026-03-02T15:00:00")])
    # A late tick from earlier that day, and the next day's, in one batch: the 15:00 close stands.
    prices.record([_print("IDX", "99.00", "2026-03-02T12:00:00"), _print("IDX", "102.50", "2026-03-03T16:00:00")])
    prices.record([_print("OTHER", "5.00", "2026-03-02T16:00:00")])
    assert prices.closes("IDX", date(2026, 3, 1), date(2026, 3, 31)) == [
        (date(2026, 3, 2), D("101.00")),
        (date(2026, 3, 3), D("102.50")),
    ]
    assert prices.closes("IDX", date(2026, 3, 3), date(2026, 3, 3)) == [(date(2026, 3, 3), D("102.50"))]
    assert prices.latest("IDX").price == D("102.50")
