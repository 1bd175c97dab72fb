"""The investor portal in the browser: the demo investor (Mary Jackson, in the Keystone
Forward Fund) signs in, sees their own holding and nothing else, places and cancels
an order; at 390 px the page fits and the keyboard reaches everything; a manager's
invitation brings a new investor in; finance disabling a login ends its session."""

from __future__ import annotations

import uuid
from typing import Any

import requests
from playwright.sync_api import Browser, Page, expect

from devstack.demo import DEMO_INVESTOR
from devstack.launch import Stack
from devstack.mail import sent_mail
from tests.support.api import FINANCE, MANAGER
from tests.support.browser import shot
from tests.support.people import temporary_password_from
from tests.support.stack import login


def keystone_of(s: requests.Session, stack: Stack) -> dict[str, Any]:
    return next(p for p in s.get(f"{stack.api}/pools", timeout=10).json()["items"] if p["name"] == "Keystone Forward Fund")


def sign_in_as_investor(page: Page, stack: Stack) -> None:
    page.goto(f"{stack.api}/#/login")
    page.get_by_label("Email").fill(DEMO_INVESTOR.email)
    page.get_by_label("Password").fill(DEMO_INVESTOR.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your holdings")).to_be_visible()


def test_an_investor_sees_their_own_holding_and_places_and_cancels_an_order(page: Page, web_stack: Stack) -> None:
    sign_in_as_investor(page, web_stack)
    holdings = page.get_by_role("list", name="Holdings")
    expect(holdings.get_by_role("listitem")).to_have_count(1)
    expect(holdings).to_contain_text("Keystone Forward Fund")
    expect(page.get_by_text("Harbor Growth Fund")).to_have_count(0)
    shot(page, "portal-holdings")

    # Staff pages are not theirs: the portal opens instead.
    page.goto(f"{web_stack.api}/#/pools")
    expect(page).to_have_url(f"{web_stack.api}/#/portal")

    page.get_by_role("link", name="Keystone Forward Fund").click()
    expect(page.get_by_role("heading", name="Keystone Forward Fund")).to_be_visible()
    expect(page.get_by_test_id("my-value")).to_contain_text("$")
    activity = page.get_by_role("table", name="Activity")
    expect(activity).to_contain_text("Contribution")
    expect(activity).not_to_contain_text("Dorothy")
    # Mary's own redemption, placed by the manager, waits in her orders.
    orders = page.get_by_role("table", name="Orders")
    expect(orders.locator("tbody tr")).to_have_count(1)

    page.get_by_label("Amount (USD)").fill("12.345")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("alert")).to_have_text("Amount has more than 2 decimal places")
    page.get_by_label("Amount (USD)").fill("500.00")
    page.get_by_role("button", name="Place order").click()
    expect(orders.locator("tbody tr")).to_have_count(2)
    expect(orders).to_contain_text("$500.00")
    shot(page, "portal-holding", full_page=True)
    page.get_by_role("button", name="Cancel subscription", exact=False).click()
    expect(orders.locator("tbody tr", has_text="$500.00")).to_contain_text("cancelled")

    # The manager sees who placed it.
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    keystone = next(
        p for p in s.get(f"{web_stack.api}/pools", timeout=10).json()["items"] if p["name"] == "Keystone Forward Fund"
    )
    placed = s.get(f"{web_stack.api}/pools/{keystone['id']}/orders?status=cancelled", timeout=10).json()["items"]
    assert any(o["placed_by"].startswith("Mary Jackson (investor)") for o in placed)


def test_the_portal_fits_a_phone_and_works_from_the_keyboard(browser: Browser, web_stack: Stack) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US", timezone_id="UTC")
    page = ctx.new_page()
    try:
        sign_in_as_investor(page, web_stack)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "portal-phone")
        # Tab to the holding and open it with Enter.
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement && document.activeElement.textContent.includes('Keystone')"):
                break
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Keystone Forward Fund")).to_be_visible()
        expect(page.get_by_role("button", name="Place order")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        ctx.close()


def test_a_disabled_login_is_signed_out_and_told_why(browser: Browser, web_stack: Stack) -> None:
    """A new investor invited by the manager: first sign-in, then finance disables them."""
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    keystone = next(
        p for p in s.get(f"{web_stack.api}/pools", timeout=10).json()["items"] if p["name"] == "Keystone Forward Fund"
    )
    email = f"new.investor.{uuid.uuid4().hex[:6]}@example.com"
    added = s.post(
        f"{web_stack.api}/pools/{keystone['id']}/investors", json={"name": "Nell Newcomer", "email": email}, timeout=10
    )
    invited = s.post(f"{web_stack.api}/pools/{keystone['id']}/investors/{added.json()['id']}/invite", timeout=10)
    assert invited.status_code == 201, invited.text
    temporary = temporary_password_from(sent_mail(web_stack.aws), email)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", timezone_id="UTC")
    page = ctx.new_page()
    try:
        page.goto(f"{web_stack.api}/#/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(temporary)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("New password").fill("Newcomer-pass-1")
        page.get_by_label("The same again").fill("Newcomer-pass-1")
        page.get_by_role("button", name="Set password").click()
        expect(page.get_by_role("heading", name="Your holdings")).to_be_visible()
        expect(page.get_by_text("Keystone Forward Fund")).to_be_visible()
        expect(page.get_by_text("You hold nothing yet")).to_have_count(0)

        finance = login(web_stack.api, FINANCE.email, FINANCE.password)
        assert finance.post(f"{web_stack.api}/staff/{invited.json()['user_id']}/disable", timeout=10).status_code == 200
        page.get_by_role("link", name="Keystone Forward Fund").click()
        expect(page.get_by_text("Your login has been disabled")).to_be_visible()
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    finally:
        ctx.close()


def test_an_investor_asks_to_withdraw_and_the_manager_accepts_in_the_browser(browser: Browser, web_stack: Stack) -> None:
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    pool = s.post(
        f"{web_stack.api}/pools", json={"name": f"Instant {uuid.uuid4().hex[:6]}", "currency": "USD"}, timeout=10
    ).json()
    email = f"wren.{uuid.uuid4().hex[:6]}@example.com"
    wren = s.post(
        f"{web_stack.api}/pools/{pool['id']}/investors", json={"name": "Wren Withdrawer", "email": email}, timeout=10
    ).json()
    s.post(f"{web_stack.api}/pools/{pool['id']}/contributions", json={"investor_id": wren["id"], "amount": "800.00"}, timeout=10)
    assert s.post(f"{web_stack.api}/pools/{pool['id']}/investors/{wren['id']}/invite", timeout=10).status_code == 201
    temporary = temporary_password_from(sent_mail(web_stack.aws), email)

    investor_ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US", timezone_id="UTC")
    manager_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", timezone_id="UTC")
    try:
        page = investor_ctx.new_page()
        page.goto(f"{web_stack.api}/#/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(temporary)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("New password").fill("Withdrawer-pass-1")
        page.get_by_label("The same again").fill("Withdrawer-pass-1")
        page.get_by_role("button", name="Set password").click()
        page.get_by_role("link", name=pool["name"]).click()
        page.get_by_label("Amount (USD)").fill("100.00")
        page.get_by_role("button", name="Ask to withdraw").click()
        requests_table = page.get_by_role("table", name="Requests")
        expect(requests_table).to_contain_text("pending")
        shot(page, "portal-withdrawal-request")

        manager = manager_ctx.new_page()
        manager.goto(f"{web_stack.api}/#/login")
        manager.get_by_label("Email").fill(MANAGER.email)
        manager.get_by_label("Password").fill(MANAGER.password)
        manager.get_by_role("button", name="Sign in").click()
        manager.goto(f"{web_stack.api}/#/pools/{pool['id']}/investors")
        panel = manager.get_by_role("table", name="Withdrawal requests")
        expect(panel).to_contain_text("Wren Withdrawer")
        manager.get_by_role("button", name="Accept Wren Withdrawer's request").click()
        expect(manager.get_by_text("Paid $100.00 to Wren Withdrawer")).to_be_visible()

        page.reload()
        expect(page.get_by_role("table", name="Requests")).to_contain_text("accepted")
        expect(page.get_by_test_id("my-value")).to_have_text("$700.00")
    finally:
        investor_ctx.close()
        manager_ctx.close()


def test_finance_invites_a_colleague_and_disables_a_login_from_people(page: Page, web_stack: Stack) -> None:
    page.goto(f"{web_stack.api}/#/login")
    page.get_by_label("Email").fill(FINANCE.email)
    page.get_by_label("Password").fill(FINANCE.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="People").click()
    email = f"colleague.{uuid.uuid4().hex[:6]}@example.com"
    page.get_by_label("Email").fill(email)
    page.get_by_label("Name").fill("Cole League")
    page.get_by_label("Role").select_option("finance")
    page.get_by_role("button", name="Send invitation").click()
    row = page.get_by_role("table", name="Logins").locator("tr", has_text=email)
    expect(row).to_contain_text("Invited")
    expect(row).to_contain_text("finance")
    shot(page, "people")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=f"Disable {email}").click()
    expect(row).to_contain_text("Disabled")
    row.get_by_role("button", name=f"Enable {email}").click()
    expect(row).to_contain_text("Invited")
