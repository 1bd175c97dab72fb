"""What a fund manager and finance see in the browser, against the real local stack."""

from __future__ import annotations

import json
import re
import time
import uuid
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import boto3
import requests
from playwright.sync_api import Browser, Page, expect

from chalicelib.services.webhooks import sign
from devstack.demo import DEMO_BROKER_SECRET
from devstack.launch import Stack
from devstack.webhook import sample
from tests.support.api import FINANCE, MANAGER, MANAGER2
from tests.support.browser import funded_pool, shot, sign_in
from tests.support.stack import login


def test_a_wrong_password_is_explained_and_tokens_stay_out_of_the_url(page: Page, web_stack: Stack) -> None:
    page.goto(f"{web_stack.api}/")
    shot(page, "login")
    page.get_by_label("Email").fill(MANAGER.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("That email and password do not match an account.")
    page.get_by_label("Password").fill(MANAGER.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Pools")).to_be_visible()
    assert "token" not in page.url and "eyJ" not in page.url
    expect(page.get_by_text(MANAGER.email)).to_be_visible()
    expect(page.get_by_test_id("connection")).to_have_text("Live")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_a_manager_creates_a_pool_adds_investors_and_takes_contributions(page: Page, web_stack: Stack) -> None:
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    name = f"Browser Fund {uuid.uuid4().hex[:6]}"
    page.get_by_role("button", name="New pool").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_label("Currency").fill("usd")
    dialog.get_by_label("Initial unit price").fill("1.005")
    dialog.get_by_role("button", name="Create pool").click()
    expect(dialog.get_by_text("Initial unit price has more than")).to_have_count(0)  # 6 places allowed
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_test_id("nav")).to_have_text("$0.00")

    page.get_by_role("link", name="Investors").click()
    for investor in ("Alice Archer", "Bob Baker"):
        page.get_by_role("button", name="Add investor").click()
        page.get_by_role("dialog").get_by_label("Name").fill(investor)
        page.get_by_role("dialog").get_by_role("button", name="Add investor").click()
        expect(page.get_by_role("cell", name=investor, exact=True)).to_be_visible()
        expect(page.get_by_role("dialog")).to_be_hidden()  # the list can refresh before the dialog closes

    page.get_by_role("button", name="Contribute for Alice Archer").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Amount (USD)").fill("10.001")
    dialog.get_by_role("button", name="Record contribution").click()
    # Checked before sending, and shown next to the field.
    expect(dialog.get_by_text("Amount has more than 2 decimal places")).to_be_visible()
    dialog.get_by_label("Amount (USD)").fill("1005.00")
    dialog.get_by_role("button", name="Record contribution").click()
    expect(page.get_by_test_id("toast").filter(has_text="Contribution of $1,005.00 recorded")).to_be_visible()

    page.get_by_role("button", name="Contribute for Bob Baker").click()
    page.get_by_role("dialog").get_by_label("Amount (USD)").fill("502.50")
    page.get_by_role("dialog").get_by_role("button", name="Record contribution").click()

    expect(page.get_by_test_id("nav")).to_have_text("$1,507.50")
    expect(page.get_by_test_id("units")).to_have_text("1,500.00")
    expect(page.get_by_test_id("nav-per-unit")).to_have_text("$1.005")
    alice = page.locator("tr", has_text="Alice Archer")
    expect(alice.get_by_test_id("investor-units")).to_have_text("1,000.00")
    expect(alice.get_by_test_id("investor-value")).to_have_text("$1,005.00")

    # A refusal by the accounting rules is shown next to the field it names.
    page.get_by_role("button", name="Withdraw for Bob Baker").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Amount (USD)").fill("600.00")
    dialog.get_by_role("button", name="Pay withdrawal").click()
    expect(dialog.locator(".error, .form-error")).to_contain_text("units")
    dialog.get_by_role("button", name="Cancel").click()
    shot(page, "investors")

    page.get_by_role("link", name="Activity", exact=True).click()
    expect(page.locator("tr[data-type=contribution]")).to_have_count(2)


def test_ticks_on_kinesis_move_the_nav_and_the_chart_without_a_reload(page: Page, web_stack: Stack) -> None:
    symbol = f"BT{uuid.uuid4().hex[:4].upper()}"
    pool_id, _ = funded_pool(web_stack, {"Ada": "1000.00"})
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    trade = {"symbol": symbol, "side": "buy", "quantity": "10", "price": "50.00"}
    assert s.post(f"{web_stack.api}/pools/{pool_id}/trades", json=trade, timeout=10).status_code == 201

    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}")
    expect(page.get_by_test_id("nav")).to_have_text("$1,000.00")
    expect(page.get_by_test_id("connection")).to_have_text("Live")
    chart = page.locator("pd-nav-chart")
    expect(chart).to_have_attribute("data-points", re.compile(r"^[1-9]"))  # the history so far
    before = int(chart.get_attribute("data-points") or "0")
    page.evaluate("window.__sameDocument = true")

    kinesis = boto3.client(
        "kinesis", region_name="us-east-1", endpoint_url=web_stack.aws, aws_access_key_id="x", aws_secret_access_key="x"
    )
    for price in ("55.00", "61.25"):
        tick = {"symbol": symbol, "price": price, "ts": f"{time.time():.6f}"}
        kinesis.put_record(StreamName="pooldesk-market-data", PartitionKey=symbol, Data=json.dumps(tick).encode())
        time.sleep(1.2)  # a second apart, so the chart gets a point for each
    # NAV = cash 500.00 + 10 x 61.25
    expect(page.get_by_test_id("nav")).to_have_text("$1,112.50")
    expect(page.locator(f"tr[data-symbol={symbol}]").get_by_test_id("last-price")).to_have_text("$61.25")
    expect(chart).to_have_attribute("data-last", "1.112500")
    # At least one new point (two ticks a second apart may share a second on the chart's time axis).
    assert int(chart.get_attribute("data-points") or "0") >= before + 1
    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    shot(page, "pool-live", full_page=True)


def test_a_signed_webhook_trade_shows_in_activity_live(page: Page, web_stack: Stack) -> None:
    pool_id, _ = funded_pool(web_stack, {"Grace": "5000.00"})
    account = f"ACC-{uuid.uuid4().hex[:8]}"
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}/settings")
    page.get_by_label("Broker", exact=True).fill("demo")
    page.get_by_label("Account id").fill(account)
    page.get_by_role("button", name="Link account").click()
    expect(page.get_by_test_id("brokerage-link")).to_contain_text(account)
    expect(page.get_by_test_id("brokerage-link")).to_contain_text("Awaiting finance's approval")
    # Finance approves the link (a second person): from now on the account's events apply.
    finance = login(web_stack.api, FINANCE.email, FINANCE.password)
    assert finance.post(f"{web_stack.api}/pools/{pool_id}/brokerage/approve", timeout=10).status_code == 200

    page.get_by_role("link", name="Activity", exact=True).click()
    expect(page.locator("tr[data-type=contribution]")).to_have_count(1)
    event = sample("trade", account)
    body = json.dumps(event).encode()
    resp = requests.post(
        f"{web_stack.api}/webhooks/demo",
        data=body,
        headers={"Pooldesk-Signature": sign(DEMO_BROKER_SECRET, int(time.time()), body)},
        timeout=10,
    )
    assert resp.status_code == 202
    row = page.locator("tr[data-type=trade]")
    expect(row).to_have_count(1)
    expect(row.locator(".badge.webhook")).to_have_text("webhook")
    expect(row).to_contain_text("Bought 5 AAPL at $191.40, fees $1.00")
    expect(page.get_by_test_id("toast").filter(has_text="webhook from demo")).to_be_visible()
    shot(page, "activity")


def test_a_distribution_is_previewed_share_by_share_then_paid(page: Page, web_stack: Stack) -> None:
    pool_id, ids = funded_pool(web_stack, {"Ann": "100.00", "Ben": "200.00", "Cy": "33.33"})
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}")
    page.get_by_role("button", name="Distribute").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Total to distribute (USD)").fill("100.00")
    dialog.get_by_label("Memo (optional)").fill("Q4 income")
    dialog.get_by_role("button", name="Preview shares").click()
    preview = dialog.get_by_test_id("distribution-preview")
    expect(preview.locator("tbody tr")).to_have_count(3)
    expect(preview.get_by_test_id("preview-total")).to_have_text("$100.00")
    shares = {
        row.locator("td").nth(0).inner_text(): D(row.locator("td").nth(3).inner_text().replace("$", "").replace(",", ""))
        for row in preview.locator("tbody tr").all()
    }
    assert sum(shares.values()) == D("100.00") and set(shares) == {"Ann", "Ben", "Cy"}
    shot(page, "distribution-preview")
    dialog.get_by_role("button", name="Pay out $100.00").click()
    expect(page.get_by_test_id("toast").filter(has_text="Distribution of $100.00 paid to investors")).to_be_visible()
    expect(page.get_by_test_id("cash")).to_have_text("$233.33")

    page.get_by_role("link", name="Investors").click()
    for who, share in shares.items():
        expect(page.locator(f"tr[data-investor-id={ids[who]}]")).to_contain_text(f"${share:,.2f}")
    # The statement shows the payout, printable from the browser.
    page.get_by_role("link", name="Statement for Ben").click()
    expect(page.get_by_test_id("statement-investor")).to_have_text("Ben")
    expect(page.locator("tr[data-type=distribution]")).to_contain_text(f"${shares['Ben']:,.2f}")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    shot(page, "statement")


def test_investors_and_activity_export_as_csv(page: Page, web_stack: Stack) -> None:
    pool_id, _ = funded_pool(web_stack, {"Dee, Jr.": "10.00", "Eve": "20.00"})
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}/investors")
    expect(page.locator("tr[data-investor-id]")).to_have_count(2)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    text = Path(download.value.path()).read_bytes().decode()
    lines = text.strip().split("\r\n")
    assert lines[0].startswith("investor_id,name,email,status,units,value")
    assert len(lines) == 3 and any('"Dee, Jr."' in line and ",10.00," in line for line in lines)

    page.get_by_role("link", name="Activity", exact=True).click()
    expect(page.locator("tr[data-type=contribution]")).to_have_count(2)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    rows = Path(download.value.path()).read_bytes().decode().strip().split("\r\n")
    assert sum(",contribution," in r for r in rows) == 2


def test_a_second_manager_cannot_see_the_first_managers_pool(page: Page, web_stack: Stack) -> None:
    name = f"Private Fund {uuid.uuid4().hex[:6]}"
    pool_id, _ = funded_pool(web_stack, {"Hal": "10.00"}, name=name)
    sign_in(page, web_stack, MANAGER2.email, MANAGER2.password)
    expect(page.locator("tr[data-pool-id]").first).to_be_visible()
    expect(page.get_by_text(name)).to_have_count(0)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}")
    expect(page.get_by_role("heading", name="Pool not available")).to_be_visible()
    expect(page.get_by_text(name)).to_have_count(0)


def test_finance_reads_every_pool_and_its_alerts_but_cannot_move_money(page: Page, web_stack: Stack) -> None:
    name = f"Audited Fund {uuid.uuid4().hex[:6]}"
    pool_id, _ = funded_pool(web_stack, {"Ida": "400.00"}, name=name)
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    assert s.post(f"{web_stack.api}/pools/{pool_id}/distributions", json={"amount": "40.00"}, timeout=10).status_code == 201

    sign_in(page, web_stack, FINANCE.email, FINANCE.password)
    expect(page.get_by_text("Every pool, read-only.")).to_be_visible()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_test_id("nav")).to_have_text("$360.00")
    expect(page.get_by_text("Read-only", exact=True)).to_be_visible()
    for action in ("Contribute", "Withdraw", "Distribute", "Record trade"):
        expect(page.get_by_role("button", name=action, exact=True)).to_have_count(0)
    page.get_by_role("link", name="Investors").click()
    expect(page.locator("tr[data-investor-id]")).to_have_count(1)
    expect(page.get_by_role("button", name="Add investor")).to_have_count(0)
    expect(page.get_by_role("button", name="Contribute for Ida")).to_have_count(0)

    page.get_by_role("link", name="Alerts").click()
    subject = page.get_by_test_id("sent-alert").filter(has_text=name)
    deadline = time.monotonic() + 20
    while subject.count() == 0 and time.monotonic() < deadline:
        page.get_by_role("button", name="Refresh").click()
        page.wait_for_timeout(500)
    expect(subject.first).to_contain_text("to you")
    shot(page, "finance-alerts")


def test_the_pool_screen_is_readable_on_a_phone(page: Page, web_stack: Stack) -> None:
    pool_id, _ = funded_pool(web_stack, {"Jo": "75.00"})
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}")
    expect(page.get_by_test_id("nav")).to_have_text("$75.00")
    # Nothing pushes the page sideways; wide tables scroll inside their panel.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.keyboard.press("Tab")
    shot(page, "pool-phone", full_page=True)


def test_activity_filters_by_type_and_by_investor(page: Page, web_stack: Stack) -> None:
    pool_id, ids = funded_pool(web_stack, {"Kim": "10.00", "Lee": "20.00"})
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    s.post(f"{web_stack.api}/pools/{pool_id}/withdrawals", json={"investor_id": ids["Lee"], "amount": "5.00"}, timeout=10)
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}/activity")
    expect(page.locator("tr[data-entry-id]")).to_have_count(6)  # opened, 2 added, 2 contributions, 1 withdrawal
    page.get_by_label("Type").select_option("contribution")
    expect(page.locator("tr[data-entry-id]")).to_have_count(2)
    page.get_by_label("Type").select_option("")
    page.get_by_label("Filter by investor").fill("Lee")
    expect(page.locator("#activity-investor-list option")).to_have_count(1)
    page.get_by_label("Filter by investor").fill("Lee")  # picking the suggestion
    expect(page.get_by_test_id("investor-filter")).to_contain_text("Lee")
    expect(page.locator("tr[data-entry-id]")).to_have_count(3)  # added, contributed, withdrew
    expect(page.locator("tr[data-type=withdrawal]")).to_contain_text("Lee withdrew $5.00")
    page.get_by_role("button", name="Show every investor").click()
    expect(page.locator("tr[data-entry-id]")).to_have_count(6)


def test_after_a_dropped_connection_the_screen_catches_up(page: Page, web_stack: Stack) -> None:
    pool_id, ids = funded_pool(web_stack, {"May": "100.00"})
    sockets: list[Any] = []
    refusing = {"on": False}

    def gateway(ws: Any) -> None:
        if refusing["on"]:
            ws.close()
            return
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket(re.compile(r"^ws://"), gateway)
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}")
    expect(page.get_by_test_id("connection")).to_have_text("Live")
    expect(page.get_by_test_id("nav")).to_have_text("$100.00")

    refusing["on"] = True
    sockets[-1].close()  # the gateway drops the connection
    expect(page.get_by_test_id("connection")).to_have_text(re.compile("Offline|Connecting"))
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    body = {"investor_id": ids["May"], "amount": "50.00"}
    assert s.post(f"{web_stack.api}/pools/{pool_id}/contributions", json=body, timeout=10).status_code == 201
    page.wait_for_timeout(1500)  # pushed while we were away: nothing arrives
    expect(page.get_by_test_id("nav")).to_have_text("$100.00")

    refusing["on"] = False  # back: the next retry connects, re-subscribes and refetches
    expect(page.get_by_test_id("connection")).to_have_text("Live", timeout=20_000)
    expect(page.get_by_test_id("nav")).to_have_text("$150.00")


AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"


def accessibility_problems(page: Page) -> list[str]:
    """Serious and critical findings of axe-core on what the page shows now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, { resultTypes: ["violations"] });
            return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", ")})`);
        }"""
    )
    return list(result)


def test_every_main_screen_is_labelled_and_keyboard_usable(browser: Browser, web_stack: Stack) -> None:
    pool_id, _ = funded_pool(web_stack, {"Nia": "10.00"})
    # axe-core is injected as an inline script, which the app's CSP rightly refuses.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{web_stack.api}/")
    assert accessibility_problems(page) == []
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    assert accessibility_problems(page) == []
    for tab in ("", "/investors", "/activity", "/settings"):
        page.goto(f"{web_stack.api}/#/pools/{pool_id}{tab}")
        expect(page.get_by_test_id("nav")).to_have_text("$10.00")
        page.wait_for_timeout(300)
        assert accessibility_problems(page) == [], tab
    # The money forms open, take input and close from the keyboard alone.
    page.goto(f"{web_stack.api}/#/pools/{pool_id}")
    page.get_by_role("button", name="Contribute", exact=True).focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    assert accessibility_problems(page) == []
    expect(dialog.get_by_label("Find investor")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    context.close()


def test_a_payout_after_holdings_moved_shows_the_new_shares_first(page: Page, web_stack: Stack) -> None:
    pool_id, ids = funded_pool(web_stack, {"Oli": "100.00", "Pia": "100.00"})
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}")
    page.get_by_role("button", name="Distribute").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Total to distribute (USD)").fill("10.00")
    dialog.get_by_role("button", name="Preview shares").click()
    preview = dialog.get_by_test_id("distribution-preview")
    expect(preview.locator("tr", has_text="Oli")).to_contain_text("$5.00")
    # Someone contributes while the manager is looking at the preview.
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    body = {"investor_id": ids["Oli"], "amount": "200.00"}
    assert s.post(f"{web_stack.api}/pools/{pool_id}/contributions", json=body, timeout=10).status_code == 201
    dialog.get_by_role("button", name="Pay out $10.00").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Holdings changed since your preview")
    expect(preview.locator("tr", has_text="Oli")).to_contain_text("$7.50")
    expect(page.get_by_test_id("cash")).to_have_text("$400.00")  # nothing was paid
    dialog.get_by_role("button", name="Pay out $10.00").click()
    expect(page.get_by_test_id("cash")).to_have_text("$390.00")


def test_a_manager_removes_an_investor_and_closes_and_reopens_the_pool(page: Page, web_stack: Stack) -> None:
    pool_id, _ = funded_pool(web_stack, {"Quinn": "10.00"})
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    s.post(f"{web_stack.api}/pools/{pool_id}/investors", json={"name": "Rory"}, timeout=10)
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}/investors")
    # Only an investor holding no units can be removed; the history stays.
    expect(page.get_by_role("button", name="Remove Quinn")).to_have_count(0)
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Remove Rory").click()
    expect(page.locator("tr", has_text="Rory").locator(".badge.removed")).to_be_visible()

    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Pool name").fill("Renamed Fund")
    page.get_by_role("button", name="Rename").click()
    expect(page.get_by_role("heading", name="Renamed Fund")).to_be_visible()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Close pool").click()
    expect(page.locator("h1 .badge")).to_have_text("closed")
    expect(page.get_by_role("button", name="Contribute", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Reopen pool").click()
    expect(page.locator("h1 .badge")).to_have_text("open")
    expect(page.get_by_role("button", name="Contribute", exact=True)).to_be_visible()


def test_a_late_answer_never_replaces_a_newer_push(page: Page, web_stack: Stack) -> None:
    pool_id, ids = funded_pool(web_stack, {"Sol": "100.00"})
    sockets: list[Any] = []

    def gateway(ws: Any) -> None:
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket(re.compile(r"^ws://"), gateway)
    held: list[Any] = []
    holding = {"on": False, "after": 0}

    def slow_read(route: Any) -> None:
        # Hold only the read the new connection's subscription makes (a late
        # "subscribed" on the old connection may also make one; that one passes).
        if holding["on"] and route.request.method == "GET" and len(sockets) > holding["after"]:
            held.append((route, route.fetch()))  # read now, answer later
        else:
            route.fallback()

    page.route(re.compile(rf"/pools/{pool_id}$"), slow_read)
    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pool_id}")
    expect(page.get_by_test_id("nav")).to_have_text("$100.00")
    expect(page.get_by_test_id("connection")).to_have_text("Live")

    holding["on"], holding["after"] = True, len(sockets)
    sockets[-1].close()  # reconnecting makes the screen read the pool again; that read is held
    deadline = time.monotonic() + 20
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert held, "the screen did not read the pool again after reconnecting"
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    body = {"investor_id": ids["Sol"], "amount": "50.00"}
    assert s.post(f"{web_stack.api}/pools/{pool_id}/contributions", json=body, timeout=10).status_code == 201
    expect(page.get_by_test_id("nav")).to_have_text("$150.00")  # pushed
    for route, stale in held:
        route.fulfill(response=stale)  # the read from before the contribution lands last
    page.wait_for_timeout(500)
    expect(page.get_by_test_id("nav")).to_have_text("$150.00")
