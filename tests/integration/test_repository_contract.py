"""One contract, two adapters: the in-memory fake and DynamoDB (moto) behave alike."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from typing import Any

import pytest

from chalicelib.adapters.memory import InMemoryPoolRepository
from chalicelib.adapters.pool_repository import DynamoPoolRepository
from chalicelib.domain import operations as ops
from chalicelib.domain.decisions import DistributionDecision
from chalicelib.domain.fees import FeePolicy, Lot
from chalicelib.domain.model import Pool, Stamp
from chalicelib.services.market_ports import Revaluation
from chalicelib.services.ports import Commit, DuplicateRequest, IdempotencyRecord, InvalidCursor, VersionConflict
from tests.support.events import TABLE_NAME

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamodb"])
def repo(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "memory":
        yield InMemoryPoolRepository()
    else:
        yield DynamoPoolRepository(request.getfixturevalue("dynamodb"), TABLE_NAME)


class Clock:
    def __init__(self) -> None:
        self.n = 0

    def stamp(self) -> Stamp:
        self.n += 1
        return Stamp(entry_id=f"01entry{self.n:05d}", at=T0 + timedelta(seconds=self.n), actor="m1")


def new_pool(repo: Any, clock: Clock, pool_id: str = "pl_1", manager: str = "m1") -> Pool:
    d = ops.open_pool(pool_id=pool_id, name="Fund", currency="USD", unit_price="1.00", manager_id=manager, stamp=clock.stamp())
    repo.commit(Commit(pool=d.pool, expected_version=None, entry=d.entry, record_nav=False))
    stored = repo.get_pool(pool_id)
    assert stored is not None
    return stored


def add(repo: Any, clock: Clock, pool: Pool, investor_id: str, name: str = "", email: str = "") -> Pool:
    d = ops.add_investor(pool, investor_id=investor_id, name=name or investor_id, email=email, stamp=clock.stamp())
    repo.commit(
        Commit(
            pool=d.pool, expected_version=pool.version, entry=d.entry, investor=d.investor, investor_is_new=True, record_nav=False
        )
    )
    return repo.get_pool(pool.id)


def contribute(repo: Any, clock: Clock, pool: Pool, investor_id: str, amount: str, key: str | None = None) -> Pool:
    d = ops.contribute(pool, repo.get_investor(pool.id, investor_id), amount, clock.stamp())
    idem = IdempotencyRecord(key, "hash", d.entry.id) if key else None
    repo.commit(Commit(pool=d.pool, expected_version=pool.version, entry=d.entry, investor=d.investor, idempotency=idem))
    return repo.get_pool(pool.id)


def test_a_new_pool_reads_back_with_version_1(repo: Any) -> None:
    pool = new_pool(repo, Clock())
    assert (pool.version, pool.cash, pool.units, pool.name, pool.currency) == (1, D("0.00"), D("0.000000"), "Fund", "USD")


def test_creating_a_pool_twice_is_a_conflict(repo: Any) -> None:
    clock = Clock()
    new_pool(repo, clock)
    d = ops.open_pool(pool_id="pl_1", name="Again", currency="USD", unit_price="1", manager_id="m1", stamp=clock.stamp())
    with pytest.raises(VersionConflict):
        repo.commit(Commit(pool=d.pool, expected_version=None, entry=d.entry))


def test_a_stale_version_is_refused_and_changes_nothing(repo: Any) -> None:
    clock = Clock()
    pool = add(repo, clock, new_pool(repo, clock), "a")
    fresh = contribute(repo, clock, pool, "a", "10.00")
    d = ops.contribute(pool, repo.get_investor(pool.id, "a"), "99.00", clock.stamp())
    with pytest.raises(VersionConflict):
        repo.commit(Commit(pool=d.pool, expected_version=pool.version, entry=d.entry, investor=d.investor))
    assert repo.get_pool(pool.id) == fresh
    assert repo.get_entry(pool.id, d.entry.id) is None
    assert repo.get_investor(pool.id, "a").units == D("10")


def test_a_reused_idempotency_key_is_a_duplicate_and_changes_nothing(repo: Any) -> None:
    clock = Clock()
    pool = add(repo, clock, new_pool(repo, clock), "a")
    pool = contribute(repo, clock, pool, "a", "10.00", key="k1")
    with pytest.raises(DuplicateRequest):
        contribute(repo, clock, pool, "a", "10.00", key="k1")
    assert repo.get_pool(pool.id).cash == D("10.00")
    found = repo.find_idempotency(pool.id, "k1")
    assert found is not None and repo.get_entry(pool.id, found.entry_id).amount == D("10.00")


def test_lists_paginate_in_order_and_cursors_are_scoped(repo: Any) -> None:
    clock = Clock()
    pool = new_pool(repo, clock)
    for name in ["c", "a", "e", "b", "d"]:
        pool = add(repo, clock, pool, name)
    first = repo.list_investors(pool.id, limit=2, cursor=None)
    second = repo.list_investors(pool.id, limit=2, cursor=first.next_cursor)
    third = repo.list_investors(pool.id, limit=2, cursor=second.next_cursor)
    assert [i.id for p in (first, second, third) for i in p.items] == ["a", "b", "c", "d", "e"]
    assert third.next_cursor is None
    activity = repo.activity(pool.id, limit=3, cursor=None)
    assert [e.type.value for e in activity.items] == ["investor.added"] * 3
    assert activity.items[0].created_at > activity.items[-1].created_at
    with pytest.raises(InvalidCursor):
        repo.activity(pool.id, limit=3, cursor=first.next_cursor)
    with pytest.raises(InvalidCursor):
        repo.list_investors(pool.id, limit=2, cursor="not-a-cursor")


def test_pools_list_by_manager_or_all_newest_first(repo: Any) -> None:
    clock = Clock()
    new_pool(repo, clock, "pl_a", "m1")
    new_pool(repo, clock, "pl_b", "m2")
    new_pool(repo, clock, "pl_c", "m1")
    assert [p.id for p in repo.list_pools(manager_id="m1", limit=10, cursor=None).items] == ["pl_c", "pl_a"]
    everything = repo.list_pools(manager_id=None, limit=2, cursor=None)
    rest = repo.list_pools(manager_id=None, limit=2, cursor=everything.next_cursor)
    assert [p.id for p in everything.items + rest.items] == ["pl_c", "pl_b", "pl_a"]


def distributed(repo: Any, clock: Clock) -> tuple[Pool, DistributionDecision]:
    """A pool where a holds 30 units and b 10, and 4.00 distributed (not yet settled)."""
    pool = new_pool(repo, clock)
    pool = add(repo, clock, pool, "a")
    pool = add(repo, clock, pool, "b")
    pool = contribute(repo, clock, pool, "a", "30.00")
    pool = contribute(repo, clock, pool, "b", "10.00")
    d = ops.distribute(pool, repo.holders(pool.id), "4.00", None, clock.stamp())
    repo.commit(Commit(pool=d.pool, expected_version=pool.version, entry=d.entry, allocations=d.allocations))
    return pool, d


def test_an_investor_update_never_overwrites_paid_out(repo: Any) -> None:
    clock = Clock()
    pool, d = distributed(repo, clock)
    pool = repo.get_pool(pool.id)
    stale_a = repo.get_investor(pool.id, "a")  # read before the shares are booked
    assert not repo.is_settled(pool.id, d.entry.id)
    assert repo.settle_distribution(pool.id, d.entry.id) == 2
    assert repo.settle_distribution(pool.id, d.entry.id) == 0  # exactly once
    assert repo.is_settled(pool.id, d.entry.id)
    w = ops.withdraw(pool, stale_a, clock.stamp(), amount="1.00")
    repo.commit(Commit(pool=w.pool, expected_version=pool.version, entry=w.entry, investor=w.investor))
    a = repo.get_investor(pool.id, "a")
    assert (a.paid_out, a.withdrawn) == (D("3.00"), D("1.00"))
    assert {x.investor_id: x.amount for x in repo.allocations(pool.id, d.entry.id)} == {"a": D("3.00"), "b": D("1.00")}


def test_an_investor_update_keeps_their_lots_fees_and_first_subscription(repo: Any) -> None:
    """What fees and lock-ups read back is what the last commit wrote (a bug once dropped first_subscribed)."""
    clock = Clock()
    pool = add(repo, clock, new_pool(repo, clock), "a")
    pool = contribute(repo, clock, pool, "a", "100.00")
    a = repo.get_investor(pool.id, "a")
    lots = (
        Lot("ord_1", D("60.000000"), D("1.000000"), date(2026, 1, 2)),
        Lot("ord_2", D("40.000000"), D("1.250000"), date(2026, 2, 2)),
    )
    held = replace(a, first_subscribed=date(2026, 1, 2), lots=lots, performance_fees=D("12.34"), crystallised_by="val_1")
    changed = replace(
        pool,
        fees_payable=D("56.78"),
        fees=FeePolicy(performance_rate=D("0.2"), since=date(2026, 1, 1), opening_hwm=D("1.000000")),
    )
    w = ops.rename_pool(changed, "Fund II", clock.stamp())
    repo.commit(Commit(pool=w.pool, expected_version=pool.version, entry=w.entry, investor=held))
    back = repo.get_investor(pool.id, "a")
    assert (back.first_subscribed, back.lots, back.performance_fees, back.crystallised_by) == (
        date(2026, 1, 2),
        lots,
        D("12.34"),
        "val_1",
    )
    stored = repo.get_pool(pool.id)
    assert (stored.fees_payable, stored.fees, stored.nav) == (D("56.78"), changed.fees, D("43.22"))


def test_nav_history_is_oldest_first_and_limited_to_the_latest(repo: Any) -> None:
    clock = Clock()
    pool = add(repo, clock, new_pool(repo, clock), "a")
    for amount in ["1.00", "2.00", "3.00"]:
        pool = contribute(repo, clock, pool, "a", amount)
    everything = repo.nav_history(pool.id, limit=10, cursor=None)
    assert [p.nav for p in everything.items] == [D("1.00"), D("3.00"), D("6.00")]
    assert everything.next_cursor is None
    latest = repo.nav_history(pool.id, limit=2, cursor=None)
    assert [p.nav for p in latest.items] == [D("3.00"), D("6.00")]
    older = repo.nav_history(pool.id, limit=2, cursor=latest.next_cursor)
    assert [p.nav for p in older.items] == [D("1.00")]


def test_holders_are_active_investors_with_units(repo: Any) -> None:
    clock = Clock()
    pool = new_pool(repo, clock)
    for name in ["a", "b", "c"]:
        pool = add(repo, clock, pool, name)
    pool = contribute(repo, clock, pool, "b", "5.00")
    assert [h.id for h in repo.holders(pool.id)] == ["b"]
    r = ops.remove_investor(pool, repo.get_investor(pool.id, "c"), clock.stamp())
    repo.commit(Commit(pool=r.pool, expected_version=pool.version, entry=r.entry, investor=r.investor, record_nav=False))
    assert repo.get_investor(pool.id, "c").status.value == "removed"
    assert replace(repo.get_pool(pool.id)).investor_count == 2


def test_a_filtered_listing_pages_through_every_match_and_only_matches(repo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # A small read budget makes the DynamoDB adapter answer short pages with a cursor.
    monkeypatch.setattr("chalicelib.adapters.pool_repository.FILTER_CHUNK", 3)
    monkeypatch.setattr("chalicelib.adapters.pool_repository.FILTER_BUDGET", 5)
    clock = Clock()
    pool = new_pool(repo, clock)
    for n in range(20):
        pool = add(repo, clock, pool, f"inv{n:02d}")
    entries: list[str] = []
    cursor = None
    for _ in range(50):
        got = repo.activity(pool.id, limit=4, cursor=cursor, where=lambda e: e.type.value == "investor.added")
        entries += [e.investor_id for e in got.items]
        cursor = got.next_cursor
        if cursor is None:
            break
    assert entries == [f"inv{n:02d}" for n in reversed(range(20))]


def test_booked_shares_are_the_payouts_an_investor_has_received(repo: Any) -> None:
    pool, d = distributed(repo, Clock())
    assert repo.booked_shares(pool.id, "a", [d.entry.id]) == {}  # not paid until settled
    repo.settle_distribution(pool.id, d.entry.id)
    paid = repo.booked_shares(pool.id, "a", [d.entry.id, "01nosuchentry"])
    assert list(paid) == [d.entry.id] and paid[d.entry.id].amount == D("3.00")


def test_orders_and_valuations_are_kept_with_the_pools_commits(repo: Any) -> None:
    from chalicelib.domain.dealing import parse_policy
    from chalicelib.domain.decisions import new_entry
    from chalicelib.domain.model import EntryType
    from chalicelib.domain.orders import Order, OrderStatus, OrderType
    from chalicelib.domain.valuations import Quote, approve, strike

    clock = Clock()
    pool = contribute(repo, clock, add(repo, clock, new_pool(repo, clock), "inv_a"), "inv_a", "100.00")
    policy = parse_policy(mode="forward")
    orders = [
        Order(f"ord_{n}", pool.id, "inv_a", OrderType.REDEMPTION, T0, None, None, D("10.000000"), investor_name="A")
        for n in range(3)
    ]

    def commit(pool: Pool, **change: Any) -> Pool:
        stamp = clock.stamp()
        entry = new_entry(pool, stamp, EntryType.ORDER_PLACED)
        repo.commit(Commit(pool=pool, expected_version=pool.version, entry=entry, record_nav=False, **change))
        return repo.get_pool(pool.id)

    pool = commit(pool, orders=orders)
    assert [o.id for o in repo.open_orders(pool.id)] == ["ord_0", "ord_1", "ord_2"]
    assert repo.get_order(pool.id, "ord_1") == orders[1]
    assert set(repo.get_orders(pool.id, ["ord_2", "ord_0", "ord_9"])) == {"ord_0", "ord_2"}
    pool = commit(pool, orders=[replace(orders[1], status=OrderStatus.CANCELLED)])
    assert [o.id for o in repo.open_orders(pool.id)] == ["ord_0", "ord_2"]
    page = repo.list_orders(pool.id, limit=1, cursor=None, where=lambda o: o.status is OrderStatus.PENDING)
    assert [o.id for o in page.items] == ["ord_0"]
    rest = repo.list_orders(pool.id, limit=5, cursor=page.next_cursor, where=lambda o: o.status is OrderStatus.PENDING)
    assert [o.id for o in rest.items] == ["ord_2"]

    quotes = {"ACME": Quote(D("1.00"), T0)}
    v = strike(pool, policy, quotes, orders[:1], {}, valuation_id="val_1", dealing_date=T0.date(), proposed_by="m1", at=T0)
    pool = commit(pool, valuation=v)
    assert repo.get_valuation(pool.id, "val_1") == v
    locked = approve(v, approver="f1", at=T0)
    pool = commit(pool, valuation=locked)
    assert repo.get_valuation(pool.id, "val_1") == locked  # the settlements kept from the proposal
    (listed,) = repo.list_valuations(pool.id, limit=5, cursor=None).items
    assert listed == replace(locked, settlements=())
    assert repo.get_valuation(pool.id, "val_9") is None and repo.get_order(pool.id, "ord_9") is None


def test_approvals_are_kept_in_their_pool_and_listed_across_pools_newest_first(repo: Any) -> None:
    from chalicelib.domain.approvals import Approval, ApprovalStatus
    from chalicelib.domain.decisions import new_entry
    from chalicelib.domain.model import EntryType

    clock = Clock()
    pools = [new_pool(repo, clock, "pl_1"), new_pool(repo, clock, "pl_2")]
    for n in range(5):
        pool = repo.get_pool(pools[n % 2].id)
        held = Approval(
            f"apr_{n}", pool.id, "withdrawal", {"investor_id": "inv_a", "amount": "5.00", "units": None}, "big", "m1", T0
        )
        if n == 3:
            held = replace(held, status=ApprovalStatus.REJECTED, reason="no")
        stamp = clock.stamp()
        entry = new_entry(pool, stamp, EntryType.APPROVAL_REQUESTED, approval_id=held.id)
        repo.commit(Commit(pool=pool, expected_version=pool.version, entry=entry, approval=held, record_nav=False))
    assert repo.get_approval("pl_2", "apr_1").request == {"investor_id": "inv_a", "amount": "5.00", "units": None}
    assert repo.get_approval("pl_1", "apr_1") is None
    assert repo.find_approval("apr_3").status is ApprovalStatus.REJECTED
    assert repo.find_approval("apr_9") is None
    waiting = lambda a: a.status is ApprovalStatus.AWAITING  # noqa: E731
    first = repo.list_approvals(limit=2, cursor=None, where=waiting)
    assert [a.id for a in first.items] == ["apr_4", "apr_2"]
    rest = repo.list_approvals(limit=2, cursor=first.next_cursor, where=waiting)
    assert [a.id for a in rest.items] == ["apr_1", "apr_0"]
    assert rest.next_cursor is None or repo.list_approvals(limit=2, cursor=rest.next_cursor, where=waiting).items == []


def test_many_pools_are_read_and_revalued_at_once_and_a_changed_one_is_left_for_a_fresh_read(repo: Any) -> None:
    # 120 pools: more than one transaction's worth, with the changed pools in the middle of one.
    clock = Clock()
    pools = [new_pool(repo, clock, f"pl_{n:03d}") for n in range(120)]
    assert repo.get_pools([p.id for p in pools] + ["pl_missing"]) == {p.id: p for p in pools}
    changed = {pools[30].id, pools[75].id}
    for pid in changed:  # a contribution lands after the market read them
        pool = repo.get_pool(pid)
        add(repo, clock, pool, "alice")
    at = T0 + timedelta(days=1)
    revalued = [
        Revaluation(replace(p, name=f"{p.name} at market", updated_at=at, valued_at=at), p.version, record_nav=n % 2 == 0)
        for n, p in enumerate(pools)
    ]
    assert repo.revalue_many(revalued) == changed
    after = repo.get_pools([p.id for p in pools])
    for n, p in enumerate(pools):
        stored = after[p.id]
        if p.id in changed:
            assert (stored.name, stored.version) == ("Fund", p.version + 1)  # the contribution's, untouched
        else:
            assert (stored.name, stored.version) == ("Fund at market", p.version + 1)
            points = repo.nav_history(p.id, limit=10, cursor=None).items
            assert [point.at for point in points] == ([at] if n % 2 == 0 else [])  # a NAV point only when asked
    assert repo.revalue_many([]) == set()


def test_a_ledgers_movements_are_exactly_what_a_fold_reads_of_its_entries(repo: Any) -> None:
    # Reconciliation refolds movements, decoded on their own (pool_items.movement_of): every kind
    # of entry must read back as the same figures its full decoding gives.
    from chalicelib.domain.ledger import Movement, fold
    from chalicelib.services.corrections import CorrectionService
    from chalicelib.services.pools import PoolService
    from chalicelib.services.ports import Principal

    manager = Principal("m1", "m@example.com", frozenset({"managers"}))
    svc = PoolService(repo, sleep=lambda _: None)
    pool = svc.create_pool(manager, name="Fund", currency="JPY", unit_price="100")
    ada = svc.add_investor(manager, pool.id, name="Ada").id
    bob = svc.add_investor(manager, pool.id, name="Bob").id
    svc.contribute(manager, pool.id, investor_id=ada, amount="1000000")
    svc.contribute(manager, pool.id, investor_id=bob, amount="333333")
    svc.withdraw(manager, pool.id, investor_id=bob, amount="1234")
    svc.trade(manager, pool.id, symbol="ACME", side="buy", quantity="12.5", price="1000.125")
    sold = svc.trade(manager, pool.id, symbol="ACME", side="sell", quantity="2", price="1100")
    paid = svc.distribute(manager, pool.id, amount="10001")
    corrections = CorrectionService(svc)
    corrections.reverse(manager, pool.id, sold.entry.id, reason="wrong account")
    corrections.reverse(manager, pool.id, paid.entry.id, reason="paid twice")
    entries = repo.ledger(pool.id)
    movements = repo.movements(pool.id)
    assert movements == [Movement(*(getattr(e, f) for f in Movement._fields)) for e in entries]
    assert {m.type.value for m in movements} >= {"contribution", "withdrawal", "trade", "distribution", "reversal"}
    assert fold(movements) == fold(entries)


# -- investor search -------------------------------------------------------------

PEOPLE = [
    ("inv_01", "Jane Smith", "jane.smith@example.com"),
    ("inv_02", "Janet Smith-Jones", "janet@fund.co"),
    ("inv_03", "Bob O'Brien", ""),
    ("inv_04", "Alice Jansen", "alice@example.com"),
    ("inv_05", "Zoë Smithers", "zoe+pool@example.org"),
]


def with_people(repo: Any, clock: Clock) -> Pool:
    pool = new_pool(repo, clock)
    for investor_id, name, email in PEOPLE:
        pool = add(repo, clock, pool, investor_id, name, email)
    return pool


def everyone(repo: Any, pool_id: str, words: tuple[str, ...], limit: int = 50) -> list[str]:
    """Every match, following the cursor to the end."""
    seen: list[str] = []
    cursor = None
    for _ in range(100):
        page = repo.search_investors(pool_id, words, limit=limit, cursor=cursor)
        assert len(page.items) <= limit
        seen += [i.id for i in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("the search never ended")


@pytest.mark.parametrize(
    ("words", "found"),
    [
        (("jan",), ["inv_01", "inv_02", "inv_04"]),  # "jane" < "janet" < "jansen": by the term each is listed under
        (("smith",), ["inv_01", "inv_02", "inv_05"]),  # smith, smith-jones, smithers
        (("jones",), ["inv_02"]),  # a hyphenated name's part
        (("brien",), ["inv_03"]),
        (("jane.smith@",), ["inv_01"]),  # the address
        (("example.",), ["inv_01", "inv_04", "inv_05"]),  # its domain
        (("pool",), ["inv_05"]),  # a part of the address
        (("inv_03",), ["inv_03"]),  # the id
        (("smi", "jan"), ["inv_01", "inv_02"]),  # every word begins a term
        (("zoë", "smithers"), ["inv_05"]),
        (("mith",), []),  # a prefix, not a substring
        (("jane", "alice"), []),
    ],
)
def test_a_search_finds_investors_by_the_start_of_their_words(repo: Any, words: tuple[str, ...], found: list[str]) -> None:
    pool = with_people(repo, Clock())
    assert everyone(repo, pool.id, words) == found


def test_an_investor_several_terms_begin_is_found_once(repo: Any) -> None:
    pool = with_people(repo, Clock())
    # "jane" begins Jane's name word, her address and its first part; Janet's too.
    assert everyone(repo, pool.id, ("jane",), limit=1) == ["inv_01", "inv_02"]


def test_a_new_name_or_email_moves_the_investor_in_the_search(repo: Any) -> None:
    clock = Clock()
    pool = with_people(repo, clock)
    was = repo.get_investor(pool.id, "inv_01")
    d = ops.edit_investor(pool, was, clock.stamp(), name="Jane Doe", email="jd@elsewhere.net")
    repo.commit(
        Commit(pool=d.pool, expected_version=pool.version, entry=d.entry, investor=d.investor, investor_was=was, record_nav=False)
    )
    assert everyone(repo, pool.id, ("smith",)) == ["inv_02", "inv_05"]
    assert everyone(repo, pool.id, ("jane.smith",)) == []
    assert everyone(repo, pool.id, ("doe",)) == ["inv_01"]
    assert everyone(repo, pool.id, ("elsewhere",)) == ["inv_01"]
    assert everyone(repo, pool.id, ("jane", "doe")) == ["inv_01"]
    assert repo.get_investor(pool.id, "inv_01").name == "Jane Doe"


def test_a_commit_changes_a_name_only_with_the_investor_as_it_was(repo: Any) -> None:
    # A command that touches an investor for another reason cannot move them out of the search.
    clock = Clock()
    pool = with_people(repo, clock)
    stored = repo.get_investor(pool.id, "inv_04")
    d = ops.contribute(pool, replace(stored, name="Someone Else"), "10.00", clock.stamp())
    repo.commit(Commit(pool=d.pool, expected_version=pool.version, entry=d.entry, investor=d.investor))
    kept = repo.get_investor(pool.id, "inv_04")
    assert (kept.name, kept.units) == ("Alice Jansen", D("10.00"))
    assert everyone(repo, pool.id, ("alice",)) == ["inv_04"]


def test_a_search_pages_through_many_matches_within_its_read_budget(repo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # A small read budget makes the DynamoDB adapter answer short pages with a cursor.
    monkeypatch.setattr("chalicelib.adapters.pool_repository.FILTER_CHUNK", 3)
    monkeypatch.setattr("chalicelib.adapters.pool_repository.FILTER_BUDGET", 5)
    clock = Clock()
    pool = new_pool(repo, clock)
    for n in range(25):
        name = f"Member{n:02d} {'Even' if n % 2 == 0 else 'Odd'}"
        pool = add(repo, clock, pool, f"inv_{n:02d}", name, f"m{n:02d}@example.com")
    assert everyone(repo, pool.id, ("member",), limit=4) == [f"inv_{n:02d}" for n in range(25)]
    assert everyone(repo, pool.id, ("member", "even"), limit=2) == [f"inv_{n:02d}" for n in range(0, 25, 2)]
    with pytest.raises(InvalidCursor):
        first = repo.search_investors(pool.id, ("member",), limit=2, cursor=None)
        repo.search_investors(pool.id, ("odd",), limit=2, cursor=first.next_cursor)


def test_a_command_reads_its_pool_investor_and_key_together(repo: Any) -> None:
    clock = Clock()
    pool = add(repo, clock, new_pool(repo, clock), "a")
    pool = contribute(repo, clock, pool, "a", "10.00", key="k1")
    both = repo.read_for_command(pool.id, investor_id="a", idempotency_key="k1")
    assert both.pool == repo.get_pool(pool.id)
    assert both.investor == repo.get_investor(pool.id, "a")
    assert both.idempotency == repo.find_idempotency(pool.id, "k1")
    none = repo.read_for_command(pool.id, investor_id="nobody", idempotency_key="k2")
    assert (none.pool, none.investor, none.idempotency) == (both.pool, None, None)
    assert repo.read_for_command("pl_none", investor_id=None, idempotency_key=None).pool is None
