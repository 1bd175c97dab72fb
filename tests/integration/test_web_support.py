"""Routes the web app leans on: investor search, activity filters, the distribution
preview, investor statements and finance's alert log."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from tests.support.api import Api, add_investor, contribute, make_pool


@pytest.fixture
def pool(api: Api) -> dict[str, Any]:
    pid = make_pool(api, name="Web Fund")["id"]
    people = {name: add_investor(api, pid, name)["id"] for name in ("Alice", "Bob", "Carla", "Alina")}
    for name, amount in (("Alice", "100.00"), ("Bob", "200.00"), ("Carla", "33.33")):
        assert contribute(api, pid, people[name], amount).status_code == 201
    return {"id": pid, **people}


def test_investor_search_matches_the_start_of_a_name_or_email_ignoring_case(api: Api, pool: dict[str, Any]) -> None:
    found = api.get(f"/pools/{pool['id']}/investors?q=ALI").json_body
    assert [i["name"] for i in found["items"]] == ["Alice", "Alina"]
    by_email = api.get(f"/pools/{pool['id']}/investors?q=bob@example").json_body["items"]
    assert [i["name"] for i in by_email] == ["Bob"]
    # Each row is the investor as listed, valued like any other page.
    assert by_email[0]["units"] == "200.000000" and by_email[0]["value"] == "200.00"
    assert api.get(f"/pools/{pool['id']}/investors?q=zzz").json_body == {"items": [], "next_cursor": None}
    assert api.get(f"/pools/{pool['id']}/investors?q=lice").json_body["items"] == []  # the start of a word, not any part


def test_an_edited_investor_is_found_by_the_new_name_only(api: Api, pool: dict[str, Any]) -> None:
    pid = pool["id"]
    edited = api.patch(f"/pools/{pid}/investors/{pool['Carla']}", {"name": "Carla Mendes", "email": "cm@example.org"})
    assert edited.status_code == 200, edited.json_body
    assert [i["id"] for i in api.get(f"/pools/{pid}/investors?q=mendes").json_body["items"]] == [pool["Carla"]]
    assert [i["id"] for i in api.get(f"/pools/{pid}/investors?q=carla+cm@").json_body["items"]] == [pool["Carla"]]
    api.patch(f"/pools/{pid}/investors/{pool['Carla']}", {"name": "Karla Mendes"})
    assert api.get(f"/pools/{pid}/investors?q=carla").json_body["items"] == []


def test_a_search_pages_through_every_match(api: Api, pool: dict[str, Any]) -> None:
    seen: list[str] = []
    cursor = ""
    for _ in range(10):
        page = api.get(f"/pools/{pool['id']}/investors?q=al&limit=1{cursor}").json_body
        seen += [i["name"] for i in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert sorted(seen) == ["Alice", "Alina"]


def test_activity_filters_by_type_and_investor(api: Api, pool: dict[str, Any]) -> None:
    pid = pool["id"]
    api.post(f"/pools/{pid}/distributions", {"amount": "10.00"})
    contributions = api.get(f"/pools/{pid}/activity?type=contribution").json_body["items"]
    assert [e["amount"] for e in contributions] == ["33.33", "200.00", "100.00"]
    bobs = api.get(f"/pools/{pid}/activity?investor_id={pool['Bob']}").json_body["items"]
    # Bob's own entries, and the distribution that paid him.
    assert [e["type"] for e in bobs] == ["distribution", "contribution", "investor.added"]
    both = api.get(f"/pools/{pid}/activity?type=contribution,distribution&investor_id={pool['Bob']}").json_body["items"]
    assert [e["type"] for e in both] == ["distribution", "contribution"]
    bad = api.get(f"/pools/{pid}/activity?type=gift")
    assert bad.status_code == 400
    assert bad.json_body["error"]["field"] == "type" and bad.json_body["error"]["code"] == "invalid_type"


def test_distribution_preview_sums_exactly_and_moves_nothing(api: Api, pool: dict[str, Any]) -> None:
    pid = pool["id"]
    before = api.get(f"/pools/{pid}").json_body
    preview = api.post(f"/pools/{pid}/distributions/preview", {"amount": "100.00"}).json_body
    assert preview["amount"] == "100.00" and preview["currency"] == "USD"
    shares = {a["name"]: D(a["amount"]) for a in preview["allocations"]}
    assert sum(shares.values()) == D("100.00")
    assert set(shares) == {"Alice", "Bob", "Carla"}  # Alina holds nothing
    after = api.get(f"/pools/{pid}").json_body
    assert after["cash"] == before["cash"] and after["version"] == before["version"]
    # The real distribution pays exactly what was previewed.
    paid = api.post(f"/pools/{pid}/distributions", {"amount": "100.00"}).json_body
    assert {a["investor_id"]: a["amount"] for a in paid["allocations"]} == {
        a["investor_id"]: a["amount"] for a in preview["allocations"]
    }


def test_distribution_preview_refuses_what_the_distribution_would(api: Api, pool: dict[str, Any]) -> None:
    pid = pool["id"]
    too_much = api.post(f"/pools/{pid}/distributions/preview", {"amount": "1000000.00"})
    assert too_much.status_code == 422 and too_much.json_body["error"]["code"] == "insufficient_cash"
    assert api.post(f"/pools/{pid}/distributions/preview", {"amount": "1.00"}, as_user="finance").status_code == 403
    assert api.post(f"/pools/{pid}/distributions/preview", {"amount": 1}).json_body["error"]["field"] == "amount"


def test_statement_lists_an_investors_movements_and_payouts(api: Api, pool: dict[str, Any]) -> None:
    pid, bob = pool["id"], pool["Bob"]
    api.post(f"/pools/{pid}/withdrawals", {"investor_id": bob, "amount": "50.00"})
    api.post(f"/pools/{pid}/distributions", {"amount": "10.00"})
    st = api.get(f"/pools/{pid}/investors/{bob}/statement", as_user="finance").json_body
    assert st["investor"]["name"] == "Bob" and st["pool"]["id"] == pid
    assert [(line["type"], line["amount"]) for line in st["lines"]] == [
        ("contribution", "200.00"),
        ("withdrawal", "50.00"),
        ("distribution", st["lines"][2]["amount"]),
    ]
    assert D(st["lines"][2]["amount"]) > 0
    assert D(st["investor"]["paid_out"]) == D(st["lines"][2]["amount"])
    assert api.get(f"/pools/{pid}/investors/inv_nope/statement").status_code == 404


def test_the_pool_list_carries_todays_opening_nav_per_unit(api: Api, pool: dict[str, Any]) -> None:
    listed = next(p for p in api.get("/pools").json_body["items"] if p["id"] == pool["id"])
    # The pool launched today, so the day opened at its launch price.
    assert listed["day_open_nav_per_unit"] == "1.000000"
    assert listed["nav_per_unit"] == "1.000000"


def test_a_distribution_pays_exactly_the_preview_or_nothing(api: Api, pool: dict[str, Any]) -> None:
    pid = pool["id"]
    preview = api.post(f"/pools/{pid}/distributions/preview", {"amount": "50.00"}).json_body
    # Holdings move between the preview and the payout: the previewed shares are stale.
    assert contribute(api, pid, pool["Alina"], "10.00").status_code == 201
    before = api.get(f"/pools/{pid}").json_body
    stale = api.post(f"/pools/{pid}/distributions", {"amount": "50.00", "preview_id": preview["preview_id"]})
    assert stale.status_code == 409
    assert stale.json_body["error"]["code"] == "preview_outdated" and stale.json_body["error"]["field"] == "preview_id"
    assert api.get(f"/pools/{pid}").json_body["cash"] == before["cash"]  # nothing paid
    fresh = api.post(f"/pools/{pid}/distributions/preview", {"amount": "50.00"}).json_body
    assert fresh["preview_id"] != preview["preview_id"] and len(fresh["allocations"]) == 4
    paid = api.post(f"/pools/{pid}/distributions", {"amount": "50.00", "preview_id": fresh["preview_id"]})
    assert paid.status_code == 201
    assert [(a["investor_id"], a["amount"]) for a in paid.json_body["allocations"]] == [
        (a["investor_id"], a["amount"]) for a in fresh["allocations"]
    ]
