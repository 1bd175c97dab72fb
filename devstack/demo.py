"""Demo users and demo pools, so the first screen of the local stack is not empty."""

from __future__ import annotations

from chalicelib.domain.dealing import parse_policy
from chalicelib.domain.fees import parse_fees
from chalicelib.resources import FINANCE_GROUP, INVESTORS_GROUP, MANAGERS_GROUP
from chalicelib.services.brokerage import BrokerageService
from chalicelib.services.dealing import DealingService
from chalicelib.services.people_ports import AccountRecords, Membership
from chalicelib.services.performance import PerformanceService
from chalicelib.services.pools import PoolService
from chalicelib.services.ports import Principal

from .provision import DemoUser

DEMO_USERS = [
    DemoUser("manager@example.com", "Manager-demo-1", MANAGERS_GROUP, "Morgan Manager"),
    DemoUser("manager2@example.com", "Manager-demo-2", MANAGERS_GROUP, "Riley Second-Manager"),
    DemoUser("finance@example.com", "Finance-demo-1", FINANCE_GROUP, "Frances Finance"),
]
# An investor's login to the portal, linked to Mary Jackson in the Keystone Forward Fund
# (as a manager's invitation would link it). Signs in with the password alone, as the staff logins do.
DEMO_INVESTOR = DemoUser("mary@example.com", "Investor-demo-1", INVESTORS_GROUP, "Mary Jackson")


DEMO_BROKER = "demo"
DEMO_BROKER_SECRET = "demo-webhook-secret"  # noqa: S105 - the local stack's published demo secret  # nosec B105
DEMO_ACCOUNT = "DEMO-1"


def forward_pool(service: PoolService, manager: Principal, investor_login: tuple[AccountRecords, str] | None = None) -> str:
    """A fund that deals forward, with orders waiting and a valuation for finance to approve;
    Mary Jackson's record is linked to the demo investor's login."""
    dealing = DealingService(service)
    pool = service.create_pool(manager, name="Keystone Forward Fund", currency="USD", unit_price="10.00")
    people = {n: service.add_investor(manager, pool.id, name=n, email=f"{n.split()[0].lower()}@example.com").id for n in FORWARD}
    service.contribute(manager, pool.id, investor_id=people["Mary Jackson"], amount="60000.00")
    service.contribute(manager, pool.id, investor_id=people["Dorothy Vaughan"], amount="40000.00")
    if investor_login is not None:
        records, user_id = investor_login
        records.link(Membership(user_id, pool.id, people["Mary Jackson"], service.now()))
    policy = parse_policy(mode="forward", gate="0.10", lockup_days=90, early_redemption_fee="0.01")
    service.set_dealing(manager, pool.id, policy)
    fees = parse_fees(management_rate="0.01", performance_rate="0.20", hurdle_rate="0.05", crystallisation="quarterly")
    dealing.set_fees(manager, pool.id, fees)
    dealing.place_order(manager, pool.id, investor_id=people["Annie Easley"], type_="subscription", amount="15000.00")
    dealing.place_order(manager, pool.id, investor_id=people["Dorothy Vaughan"], type_="redemption", units="1500")
    dealing.propose(manager, pool.id)
    dealing.place_order(manager, pool.id, investor_id=people["Mary Jackson"], type_="redemption", amount="2500.00")
    return pool.id


FORWARD = ("Mary Jackson", "Dorothy Vaughan", "Annie Easley")


def seed(
    service: PoolService,
    brokerage: BrokerageService,
    owners: dict[str, Principal],
    investor_login: tuple[AccountRecords, str] | None = None,
) -> list[str]:
    """Create the demo pools unless their managers already have pools; returns pool ids made."""
    manager, manager2 = owners["manager@example.com"], owners["manager2@example.com"]
    if service.list_pools(manager, limit=1, cursor=None).items:
        return []
    made = []

    growth = service.create_pool(manager, name="Harbor Growth Fund", currency="USD", unit_price="1.00")
    people = {}
    for name, email in [
        ("Ada Lovelace", "ada@example.com"),
        ("Grace Hopper", "grace@example.com"),
        ("Alan Turing", "alan@example.com"),
        ("Katherine Johnson", "katherine@example.com"),
    ]:
        people[name] = service.add_investor(manager, growth.id, name=name, email=email).id
    for name, amount in [("Ada Lovelace", "25000.00"), ("Grace Hopper", "15000.00"), ("Alan Turing", "10000.00")]:
        service.contribute(manager, growth.id, investor_id=people[name], amount=amount)
    for symbol, qty, price in [("AAPL", "50", "190.25"), ("MSFT", "30", "415.10"), ("NVDA", "40", "120.50")]:
        service.trade(manager, growth.id, symbol=symbol, side="buy", quantity=qty, price=price, fees="1.00")
    service.contribute(manager, growth.id, investor_id=people["Katherine Johnson"], amount="5000.00")
    service.distribute(manager, growth.id, amount="1200.00", memo="Q3 income")
    service.withdraw(manager, growth.id, investor_id=people["Alan Turing"], amount="1500.00")
    brokerage.link(manager, growth.id, broker=DEMO_BROKER, account_id=DEMO_ACCOUNT)
    brokerage.approve_link(owners["finance@example.com"], growth.id)  # a link applies once finance approves it
    PerformanceService(service).set_benchmark(manager, growth.id, "SPY")
    made.append(growth.id)

    income = service.create_pool(manager, name="Meridian Income Fund", currency="EUR", unit_price="100.00")
    for name, amount in [("Hedy Lamarr", "40000.00"), ("Emmy Noether", "20000.00")]:
        inv = service.add_investor(manager, income.id, name=name)
        service.contribute(manager, income.id, investor_id=inv.id, amount=amount)
    service.trade(manager, income.id, symbol="VGK", side="buy", quantity="300", price="68.40", fees="2.50")
    made.append(income.id)

    made.append(forward_pool(service, manager, investor_login))

    other = service.create_pool(manager2, name="Northwind Partners Pool", currency="GBP", unit_price="1.00")
    inv = service.add_investor(manager2, other.id, name="Charles Babbage")
    service.contribute(manager2, other.id, investor_id=inv.id, amount="12000.00")
    made.append(other.id)
    return made
