"""What a fund manager and finance hit in the browser, each failing before its fix."""

from __future__ import annotations

import re
import time
from decimal import ROUND_DOWN
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from devstack.launch import Stack
from tests.support.api import MANAGER
from tests.support.browser import funded_pool, sign_in
from tests.support.stack import login

AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"


def amount(text: str) -> D:
    """A figure as the screen shows it ("$1,005.00", a minus sign, "1,000.00") as a Decimal."""
    cleaned = text.replace("\u2212", "-").replace("$", "").replace(",", "").replace("+", "").strip()
    return D(cleaned)


ROW_AND_HEADER = """(name) => {
    const row = [...document.querySelectorAll("tr[data-investor-id]")].find(r => r.textContent.includes(name));
    const text = (root, id) => root.querySelector(`[data-testid=${id}]`)?.textContent ?? "";
    return row ? {
        units: text(row, "investor-units"), value: text(row, "investor-value"), share: text(row, "investor-share"),
        nav: text(document, "nav"), poolUnits: text(document, "units"),
    } : null;
}"""


def consistent(sample: dict[str, str]) -> bool:
    """The row's value is its units at the NAV the header shows, rounded down to the cent."""
    units, nav, pool_units = amount(sample["units"]), amount(sample["nav"]), amount(sample["poolUnits"])
    if pool_units == 0:
        return True
    return amount(sample["value"]) == (units * nav / pool_units).quantize(D("0.01"), rounding=ROUND_DOWN)


def test_an_investor_row_is_never_half_updated_by_a_push_with_or_without_a_search(page: Page, web_stack: Stack) -> None:
    pool_id, ids = funded_pool(web_stack, {"Alice Alder": "3000.00", "Bob Birch": "1000.00"})
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    # A position the market has moved, so NAV per unit is not 1 and values are not units.
    assert (
        s.post(
            f"{web_stack.api}/pools/{pool_id}/trades",
            json={"symbol": "ROWX", "side": "buy", "quantity": "10", "price": "100.00"},
            timeout=10,
        ).status_code
        == 201
    )
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}/investors")
    expect(page.get_by_test_id("investor-value")).to_have_count(2)

    for search in ("", "bob"):
        if search:
            page.get_by_label("Search investors").fill(search)
            expect(page.get_by_test_id("investor-value")).to_have_count(1)
        before = page.evaluate(ROW_AND_HEADER, "Bob Birch")
        resp = s.post(
            f"{web_stack.api}/pools/{pool_id}/contributions",
            json={"investor_id": ids["Bob Birch"], "amount": "1000.00"},
            timeout=10,
        )
        assert resp.status_code == 201
        bob = s.get(f"{web_stack.api}/pools/{pool_id}/investors/{ids['Bob Birch']}", timeout=10).json()
        # Sample the row as the pushes land: every sample must add up, and it must reach the new holding.
        deadline, samples = time.monotonic() + 6, []
        while time.monotonic() < deadline:
            sample = page.evaluate(ROW_AND_HEADER, "Bob Birch")
            samples.append(sample)
            if sample["units"] != before["units"] and amount(sample["value"]) == D(bob["value"]):
                break
            page.wait_for_timeout(40)
        assert [x for x in samples if not consistent(x)] == [], f"a row showed units and value that do not agree ({search=})"
        assert amount(samples[-1]["units"]) == D(bob["units"]), search
        assert amount(samples[-1]["value"]) == D(bob["value"]), search


def test_the_withdraw_dialog_shows_one_figure_and_can_withdraw_all(page: Page, web_stack: Stack) -> None:
    pool_id, _ = funded_pool(web_stack, {"Wren Walker": "1000.00", "Cash Keeper": "5000.00"})
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    assert (
        s.post(
            f"{web_stack.api}/pools/{pool_id}/trades",
            json={"symbol": "WDX", "side": "buy", "quantity": "5", "price": "50.00"},
            timeout=10,
        ).status_code
        == 201
    )
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}/investors")
    row = page.locator("tr", has_text="Wren Walker")
    expect(row.get_by_test_id("investor-units")).to_have_text("1,000.00")

    # Contribute, then open Withdraw for them at once.
    row.get_by_role("button", name="Contribute for Wren Walker").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Amount (USD)").fill("$1,000")  # typed as a person would
    dialog.get_by_role("button", name="Record contribution").click()
    expect(dialog).to_be_hidden()
    row.get_by_role("button", name="Withdraw for Wren Walker").click()
    wren = s.get(f"{web_stack.api}/pools/{pool_id}/investors?q=wren", timeout=10).json()["items"][0]
    worth = f"${D(wren['value']):,}"
    expect(dialog.get_by_test_id("holding")).to_contain_text(worth)
    expect(row.get_by_test_id("investor-value")).to_have_text(worth)
    dialog.get_by_label("Amount (USD)").fill("1,000,000")
    dialog.get_by_role("button", name="Pay withdrawal").click()
    expect(dialog.locator(".error")).to_contain_text(f"worth {worth}")
    # Withdraw all: what it pays is the same figure, and it redeems every unit.
    dialog.get_by_label("All units").check()
    expect(dialog.get_by_test_id("payout")).to_contain_text(f"Pays {worth}, redeeming all")
    dialog.get_by_role("button", name="Pay withdrawal").click()
    expect(dialog).to_be_hidden()
    expect(row.get_by_test_id("investor-units")).to_have_text("0.00")
    gone = s.get(f"{web_stack.api}/pools/{pool_id}/activity?type=withdrawal", timeout=10).json()["items"][0]
    assert (gone["amount"], gone["units"]) == (wren["value"], wren["units"])
    contribution = s.get(f"{web_stack.api}/pools/{pool_id}/activity?type=contribution", timeout=10).json()["items"][0]
    assert contribution["amount"] == "1000.00"


def test_sign_in_returns_to_the_page_asked_for(page: Page, web_stack: Stack) -> None:
    pool_id, _ = funded_pool(web_stack, {"Ray": "10.00"})
    wanted = f"{web_stack.api}/#/pools/{pool_id}/activity"  # as an alert email links it
    page.goto(wanted)
    expect(page.get_by_test_id("sign-in-notice")).to_have_text("Sign in to open this page.")
    page.get_by_label("Email").fill(MANAGER.email)
    page.get_by_label("Password").fill(MANAGER.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Activity")).to_be_visible()
    assert page.url == wanted


def test_an_expired_session_says_so_and_returns_after_signing_in(page: Page, web_stack: Stack) -> None:
    pool_id, _ = funded_pool(web_stack, {"Eve": "10.00"})
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}/investors")
    expect(page.get_by_test_id("investor-value")).to_have_count(1)
    # The access token has run out and the refresh token is no longer honoured.
    page.evaluate(
        """() => {
            const s = JSON.parse(sessionStorage.getItem("pooldesk.session"));
            const expired = { ...s, expiresAt: 1, refresh: "revoked-refresh-token-value" };
            sessionStorage.setItem("pooldesk.session", JSON.stringify(expired));
        }"""
    )
    page.reload()
    expect(page.get_by_test_id("sign-in-notice")).to_contain_text("Your session has expired")
    page.get_by_label("Email").fill(MANAGER.email)
    page.get_by_label("Password").fill(MANAGER.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("investor-value")).to_have_count(1)
    assert page.url.endswith(f"#/pools/{pool_id}/investors")


def test_the_activity_type_filter_survives_a_reload(page: Page, web_stack: Stack) -> None:
    pool_id, ids = funded_pool(web_stack, {"Tia": "100.00"})
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    assert (
        s.post(
            f"{web_stack.api}/pools/{pool_id}/withdrawals", json={"investor_id": ids["Tia"], "amount": "10.00"}, timeout=10
        ).status_code
        == 201
    )
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}/activity")
    page.get_by_label("Type").select_option("withdrawal")
    expect(page.locator("tr[data-entry-id]")).to_have_count(1)
    page.reload()
    expect(page.get_by_label("Type")).to_have_value("withdrawal")
    expect(page.locator("tr[data-entry-id]")).to_have_count(1)
    expect(page.locator("tr[data-type=withdrawal]")).to_have_count(1)
    # Who did it, by name, with no request per investor for it.
    expect(page.get_by_test_id("recorded-by").first).to_have_text("You")


def test_an_empty_pools_contribute_says_to_add_an_investor_first(page: Page, web_stack: Stack) -> None:
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    pool_id = s.post(f"{web_stack.api}/pools", json={"name": "Empty Fund", "currency": "USD"}, timeout=10).json()["id"]
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}")
    page.get_by_role("button", name="Contribute", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("no-investors")).to_contain_text("add an investor first")
    expect(dialog.get_by_role("button", name="Record contribution")).to_have_count(0)
    dialog.get_by_role("button", name="Add an investor").click()
    expect(dialog.get_by_role("heading", name="Add an investor")).to_be_visible()


def test_a_closed_pool_says_why_it_moves_no_money(page: Page, web_stack: Stack) -> None:
    pool_id, _ = funded_pool(web_stack, {"Cy": "10.00"})
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    assert s.patch(f"{web_stack.api}/pools/{pool_id}", json={"status": "closed"}, timeout=10).status_code == 200
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}")
    expect(page.get_by_test_id("closed-note")).to_contain_text("moves no money")
    expect(page.get_by_role("group", name="Money movements")).to_have_count(0)


def test_the_nav_block_does_not_announce_ticks(page: Page, web_stack: Stack) -> None:
    pool_id, _ = funded_pool(web_stack, {"Nora": "10.00"})
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}")
    expect(page.get_by_test_id("nav")).to_have_text("$10.00")
    live_regions: Any = page.evaluate(
        """() => [...document.querySelectorAll("[aria-live], [role=status], [role=alert]")]
            .filter(el => el.querySelector("[data-testid=nav], [data-testid=nav-per-unit]")).length"""
    )
    assert live_regions == 0


def test_no_table_has_an_empty_header(browser: Browser, web_stack: Stack) -> None:
    pool_id, _ = funded_pool(web_stack, {"Hal": "10.00", "Ida": "20.00"})
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)

    def empty_headers() -> list[str]:
        page.add_script_tag(path=str(AXE))
        found: list[str] = page.evaluate(
            """async () => (await axe.run(document, { runOnly: ["empty-table-header"] })).violations
                .flatMap(v => v.nodes.map(n => n.target.join(" ")))"""
        )
        return found

    page.goto(f"{web_stack.api}/#/pools/{pool_id}")
    expect(page.get_by_test_id("nav")).to_have_text("$30.00")
    assert empty_headers() == []
    page.goto(f"{web_stack.api}/#/pools/{pool_id}/investors")
    expect(page.get_by_test_id("investor-value")).to_have_count(2)
    assert empty_headers() == []
    page.get_by_role("button", name="Distribute").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(re.compile("Total to distribute")).fill("3.00")
    dialog.get_by_role("button", name="Preview shares").click()
    expect(dialog.get_by_test_id("preview-total")).to_have_text("$3.00")
    assert empty_headers() == []
    context.close()


def test_a_statement_prints_with_page_margins(page: Page, web_stack: Stack) -> None:
    pool_id, ids = funded_pool(web_stack, {"Pia": "10.00"})
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}/investors/{ids['Pia']}/statement")
    expect(page.get_by_test_id("statement-investor")).to_have_text("Pia")
    margins: Any = page.evaluate(
        """() => [...document.styleSheets].flatMap(s => [...s.cssRules])
            .filter(r => r instanceof CSSPageRule).map(r => r.style.margin)"""
    )
    assert margins and all(m and not m.startswith("0") for m in margins), margins
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()  # only the statement is printed
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
