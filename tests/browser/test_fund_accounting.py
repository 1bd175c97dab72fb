"""Fund accounting in the browser: a manager places orders and proposes a
valuation, finance approves it (and the manager's screen follows live); a
manager reverses a wrong entry; finance approves a held withdrawal."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from devstack.launch import Stack
from tests.support.api import FINANCE, MANAGER
from tests.support.browser import funded_pool, shot, sign_in
from tests.support.stack import login


def test_a_manager_places_orders_and_proposes_and_finance_approves(page: Page, browser: Browser, web_stack: Stack) -> None:
    pid, ids = funded_pool(web_stack, {"Alice": "1000.00"}, name="Forward Fund")
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    s.post(f"{web_stack.api}/pools/{pid}/investors", json={"name": "Bob"}, timeout=10).raise_for_status()
    trade = {"symbol": "ACME", "side": "buy", "quantity": "2", "price": "100.00"}
    s.post(f"{web_stack.api}/pools/{pid}/trades", json=trade, timeout=10).raise_for_status()
    s.put(f"{web_stack.api}/pools/{pid}/dealing", json={"mode": "forward", "gate": "0.50"}, timeout=10).raise_for_status()

    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pid}")
    expect(page.get_by_role("link", name="Place an order")).to_be_visible()
    expect(page.get_by_role("button", name="Contribute")).to_have_count(0)  # money moves only through orders
    page.get_by_role("link", name="Place an order").click()
    expect(page.get_by_test_id("dealing-summary")).to_contain_text("forward, daily, no cut-off, gate 50%")

    form = page.get_by_role("region", name="Place an order")
    form.get_by_label("Investor").select_option(label="Bob")
    form.get_by_label("Amount (USD)").fill("500")
    form.get_by_role("button", name="Place order").click()
    expect(page.locator("[data-order-id]")).to_have_count(1)
    form.get_by_label("Investor").select_option(label="Alice")
    form.get_by_label("Redeem units").check()
    form.get_by_label("Units", exact=True).fill("100")
    form.get_by_role("button", name="Place order").click()
    expect(page.locator("[data-order-id]")).to_have_count(2)
    expect(page.get_by_test_id("dealing-day")).to_contain_text("subscriptions $500.00")
    expect(page.get_by_test_id("units")).to_have_text("1,000.00")  # nothing has moved
    shot(page, "dealing-orders")

    page.get_by_role("button", name="Propose valuation").click()
    expect(page).to_have_url(re.compile(r"/valuations/val_"))
    expect(page.get_by_test_id("valuation-status")).to_have_text("proposed")
    expect(page.get_by_test_id("awaiting")).to_be_visible()
    expect(page.get_by_test_id("struck-nav-per-unit")).to_have_text("$1.00")
    expect(page.get_by_test_id("struck-exact")).to_have_text("exactly 1.000000 USD")
    expect(page.get_by_test_id("settled-units")).to_have_text(["500.00", "100.00"])
    # No market feed here: the position is valued at its trade price, and the screen says so.
    expect(page.get_by_test_id("valuation-warnings")).to_contain_text("ACME: no market price")
    valuation_url = page.url

    finance = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", timezone_id="UTC").new_page()
    sign_in(finance, web_stack, FINANCE.email, FINANCE.password)
    finance.goto(valuation_url)
    expect(finance.get_by_role("button", name="Approve")).to_be_enabled()
    shot(finance, "valuation-approve")
    finance.once("dialog", lambda d: d.accept())
    finance.get_by_role("button", name="Approve").click()
    expect(finance.get_by_test_id("valuation-status")).to_have_text("approved")
    finance.context.close()

    # The manager's screen follows the decision live, and the units have moved.
    expect(page.get_by_test_id("valuation-status")).to_have_text("approved")
    page.goto(f"{web_stack.api}/#/pools/{pid}")
    expect(page.get_by_test_id("units")).to_have_text("1,400.00")
    page.get_by_role("link", name="Dealing").click()
    expect(page.locator("[data-valuation-id]")).to_contain_text("approved")
    expect(page.locator("[data-order-id]")).to_have_count(0)
    assert ids["Alice"]


def test_a_manager_reverses_a_wrong_entry_with_a_reason(page: Page, web_stack: Stack) -> None:
    pid, ids = funded_pool(web_stack, {"Alice": "1000.00"})
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    twice = s.post(
        f"{web_stack.api}/pools/{pid}/contributions", json={"investor_id": ids["Alice"], "amount": "250.00"}, timeout=10
    )
    entry_id = twice.json()["id"]

    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pid}/activity")
    expect(page.get_by_test_id("units")).to_have_text("1,250.00")
    row = page.locator(f'tr[data-entry-id="{entry_id}"]')
    row.get_by_role("button", name="Reverse").click()
    page.get_by_label("Why reverse it?").fill("keyed in twice")
    page.get_by_role("button", name="Reverse entry").click()
    expect(row.get_by_test_id("reversed")).to_be_visible()
    expect(page.locator('tr[data-type="reversal"]')).to_contain_text("keyed in twice")
    expect(page.get_by_test_id("units")).to_have_text("1,000.00")
    expect(row.get_by_role("button", name="Reverse")).to_have_count(0)
    shot(page, "reversal")


def test_finance_approves_a_held_withdrawal_from_its_inbox(page: Page, browser: Browser, web_stack: Stack) -> None:
    pid, _ = funded_pool(web_stack, {"Alice": "900.00", "Bob": "100.00"}, name="Checked Fund")
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    s.put(f"{web_stack.api}/pools/{pid}/approvals", json={"withdrawal_over": "0.10"}, timeout=10).raise_for_status()

    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pid}")
    page.get_by_role("group", name="Money movements").get_by_role("button", name="Withdraw").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Investor", exact=True).select_option(label="Alice")
    dialog.get_by_label(re.compile("^Amount")).fill("300")
    dialog.get_by_role("button", name="Pay withdrawal").click()
    expect(page.get_by_text("Held for finance's approval")).to_be_visible()
    expect(page.get_by_test_id("cash")).to_have_text("$1,000.00")

    finance = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", timezone_id="UTC").new_page()
    sign_in(finance, web_stack, FINANCE.email, FINANCE.password)
    finance.get_by_role("link", name="Approvals").click()
    held = finance.locator("[data-approval-id]").filter(has_text="Checked Fund")
    expect(held).to_contain_text("Withdraw 300")
    shot(finance, "approvals-inbox")
    finance.once("dialog", lambda d: d.accept())
    held.get_by_role("button", name="Approve").click()
    expect(finance.get_by_text("Approved: withdrawal recorded")).to_be_visible()
    finance.context.close()
    expect(page.get_by_test_id("cash")).to_have_text("$700.00")
