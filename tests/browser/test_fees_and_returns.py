"""Fees, returns, statements and the firm at a glance, in the browser: a manager sets
a pool's fees and sees them accrue on a proposed valuation; a distribution is no
longer a crash in "today" or the chart, and the benchmark sits beside the pool's
returns; a period statement prints, every investor's in one go (a page each), and
finance emails them once; the pools screen is the firm at a glance, sortable."""

from __future__ import annotations

import json
import re
import time
import uuid

import boto3
from playwright.sync_api import Browser, Page, expect

from devstack.launch import Stack
from tests.support.api import FINANCE, MANAGER
from tests.support.browser import shot, sign_in
from tests.support.stack import login


def tick(stack: Stack, symbol: str, price: str) -> None:
    """The market feed prints a price (through Kinesis, as in production)."""
    kinesis = boto3.client(
        "kinesis", region_name="us-east-1", endpoint_url=stack.aws, aws_access_key_id="x", aws_secret_access_key="x"
    )
    record = {"symbol": symbol, "price": price, "ts": f"{time.time():.6f}"}
    kinesis.put_record(StreamName="pooldesk-market-data", PartitionKey=symbol, Data=json.dumps(record).encode())


def pool_with(stack: Stack, symbol: str, *, name: str) -> tuple[str, dict[str, str]]:
    """Alice and Bob put in 600.00 and 400.00; the manager buys 5 of ``symbol`` at 100.00."""
    s = login(stack.api, MANAGER.email, MANAGER.password)
    pid = s.post(f"{stack.api}/pools", json={"name": name, "currency": "USD"}, timeout=10).json()["id"]
    ids = {}
    for who, amount in (("Alice", "600.00"), ("Bob", "400.00")):
        body = {"name": who, "email": f"{who.lower()}.{pid[-6:].lower()}@example.com"}
        ids[who] = s.post(f"{stack.api}/pools/{pid}/investors", json=body, timeout=10).json()["id"]
        paid = s.post(f"{stack.api}/pools/{pid}/contributions", json={"investor_id": ids[who], "amount": amount}, timeout=10)
        assert paid.status_code == 201, paid.text
    trade = {"symbol": symbol, "side": "buy", "quantity": "5", "price": "100.00"}
    assert s.post(f"{stack.api}/pools/{pid}/trades", json=trade, timeout=10).status_code == 201
    return pid, ids


def test_a_manager_sets_fees_and_sees_them_accrue_on_a_proposed_valuation(page: Page, web_stack: Stack) -> None:
    symbol = f"FE{uuid.uuid4().hex[:4].upper()}"
    pid, _ = pool_with(web_stack, symbol, name=f"Fee Fund {uuid.uuid4().hex[:4]}")
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    assert s.put(f"{web_stack.api}/pools/{pid}/dealing", json={"mode": "forward"}, timeout=10).status_code == 200

    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    page.goto(f"{web_stack.api}/#/pools/{pid}/settings")
    fees = page.get_by_role("form", name="Fee settings")
    expect(page.get_by_test_id("fee-policy")).to_have_text("No fees.")
    fees.get_by_label("Management fee (% a year)").fill("1.2")
    fees.get_by_label("Performance fee (%)").fill("20")
    fees.get_by_label("Hurdle (% a year)").fill("abc")
    fees.get_by_role("button", name="Save fees").click()
    expect(fees.get_by_text("Hurdle must be a number")).to_be_visible()  # refused before it is sent
    fees.get_by_label("Hurdle (% a year)").fill("0")
    fees.get_by_label("Crystallises").select_option("monthly")
    fees.get_by_role("button", name="Save fees").click()
    expect(page.get_by_test_id("fee-policy")).to_have_text(
        "Management 1.2% a year; performance 20% above the high-water mark, crystallising monthly; paid to the manager."
    )
    shot(page, "fee-settings")

    # The market marks the position up 50%: NAV per unit 1.25, a quarter above everyone's mark of 1.00.
    tick(web_stack, symbol, "150.00")
    expect(page.get_by_test_id("nav-per-unit")).to_have_text("$1.25")
    page.reload()
    expect(page.get_by_test_id("performance-accrued")).to_have_text("$50.00")  # 20% x 0.25 x 1,000 units

    page.get_by_role("link", name="Dealing").click()
    page.get_by_role("button", name="Propose valuation").click()
    expect(page).to_have_url(re.compile(r"/valuations/val_"))
    expect(page.get_by_test_id("valuation-performance-accrued")).to_have_text("$50.00")
    expect(page.get_by_test_id("valuation-management-fee")).to_have_text("$0.00")  # no day has passed since the fees began
    expect(page.get_by_test_id("struck-nav")).to_have_text("$1,250.00")
    shot(page, "valuation-fees")


def test_returns_statements_and_the_firm_at_a_glance(page: Page, browser: Browser, web_stack: Stack) -> None:
    symbol = f"RT{uuid.uuid4().hex[:4].upper()}"
    name = f"Returns Fund {uuid.uuid4().hex[:4]}"
    pid, ids = pool_with(web_stack, symbol, name=name)

    sign_in(page, web_stack, MANAGER.email, MANAGER.password)
    # The pools screen is the firm at a glance: assets by currency, and each pool's flows, return and queue.
    firm = page.get_by_test_id("firm")
    expect(firm.get_by_test_id("aum-USD")).to_be_visible()
    row = page.locator(f'tr[data-pool-id="{pid}"]')
    expect(row.get_by_test_id("pool-flows-month")).to_have_text("+$1,000.00")
    expect(row.get_by_test_id("pool-orders")).to_have_text("0")
    header = page.locator("th", has=page.get_by_role("button", name=re.compile(r"^NAV( [▲▼])?$")))
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    shot(page, "firm-at-a-glance")

    page.goto(f"{web_stack.api}/#/pools/{pid}/settings")
    page.get_by_label("Benchmark symbol").fill(symbol)
    page.get_by_role("button", name="Save benchmark").click()
    expect(page.get_by_label("Benchmark symbol")).to_have_value(symbol)

    # The market marks the position up 20% (NAV per unit 1.10); then the pool pays 100.00 out.
    tick(web_stack, symbol, "120.00")
    page.goto(f"{web_stack.api}/#/pools/{pid}")
    expect(page.get_by_test_id("nav-per-unit")).to_have_text("$1.10")
    s = login(web_stack.api, MANAGER.email, MANAGER.password)
    paid = s.post(f"{web_stack.api}/pools/{pid}/distributions", json={"amount": "100.00"}, timeout=10)
    assert paid.status_code == 201, paid.text
    expect(page.get_by_test_id("nav-per-unit")).to_have_text("$1.00")
    page.reload()
    # A distribution is not a loss: today is still +10%, the chart does not fall, the benchmark is beside it.
    expect(page.locator(".figure").filter(has_text="NAV").first).to_contain_text("+10.00% today")
    chart = page.locator("pd-nav-chart")
    expect(chart).to_have_attribute("data-benchmark-points", re.compile(r"^[1-9]"))
    returns = page.get_by_test_id("returns")
    expect(returns.locator('tr[data-row="benchmark"]')).to_contain_text(symbol)
    # Since launch at 1.00: NAV per unit 1.00 with 0.10 a unit paid and reinvested is +10%, not flat.
    expect(returns.locator('tr[data-row="net"] td[data-period="since_inception"]')).to_have_text("+10.00%")
    shot(page, "performance-benchmark", full_page=True)

    # Alice's statement: her payout, her gain, the pool's manager as contact; then every investor's, a page each.
    page.goto(f"{web_stack.api}/#/pools/{pid}/investors/{ids['Alice']}/statement")
    expect(page.get_by_test_id("statement-investor")).to_have_text("Alice")
    expect(page.locator("tr[data-type=distribution]")).to_contain_text("$60.00")
    expect(page.get_by_test_id("statement-gain")).to_have_text("+$60.00")  # 600.00 of units worth 600.00, and 60.00 paid
    expect(page.get_by_text(f"Questions: {MANAGER.name} <{MANAGER.email}>")).to_be_visible()
    page.get_by_role("button", name="Show period").click()
    expect(page).to_have_url(re.compile(r"statement\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$"))
    shot(page, "statement-period")
    page.get_by_role("link", name="Every investor's").click()
    expect(page.get_by_test_id("statement-count")).to_have_text("2 investors, one page each")
    expect(page.locator("article.statement")).to_have_count(2)
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 2  # one page each

    # Finance has each investor emailed theirs, once for the period.
    finance = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", timezone_id="UTC").new_page()
    sign_in(finance, web_stack, FINANCE.email, FINANCE.password)
    finance.goto(page.url)
    finance.get_by_role("button", name="Email each investor theirs").click()
    expect(finance.get_by_text("Emailing each of 2 investors their statement")).to_be_visible()
    finance.get_by_role("button", name="Email each investor theirs").click()
    expect(finance.get_by_text(re.compile("were emailed already"))).to_be_visible()
    finance.context.close()
