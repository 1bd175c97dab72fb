"""A walk through the API as the demo manager, checking every figure against a
hand calculation to the cent: ``make tour`` (with ``make run`` going) or
``python -m devstack.tour --api http://127.0.0.1:8000``.

The hand calculation (USD, units to 6 places):

1. Alice contributes 1,000.00 at the launch price 1.00      -> 1,000.000000 units
2. Buy 5 ACME @ 100.00, fees 0.50: cash 1,000 - 500.50     -> cash 499.50,
   NAV 499.50 + 5 x 100.00 = 999.50, NAV/unit 0.999500
3. Bob contributes 999.50: 999.50 x 1,000 / 999.50         -> 1,000.000000 units
   (pool: 2,000 units, cash 1,499.00, NAV 1,999.00)
4. Alice withdraws 100.00: units 100 x 2,000 / 1,999.00 = 100.0500250...,
   rounded UP                                               -> 100.050026 units
   (pool: 1,899.949974 units, cash 1,399.00, NAV 1,899.00)
5. Distribute 300.00 pro rata by units, largest remainder:
   Alice 300 x 899.949974 / 1,899.949974 = 142.1011... -> 142.10
   Bob   300 x 1,000.000000 / 1,899.949974 = 157.8989... -> 157.89 + 0.01 = 157.90
   (pool: cash 1,099.00, NAV 1,599.00)

7. A forward dealing day in a second pool (cash only, so no market price moves it):
   Carol holds 1,000 units (1,000.00 cash); the pool deals forward, daily, with a
   10% gate and a 30-day lock-up with a 2% early-redemption fee.
   Dan subscribes 500.00; Carol redeems 200 units. Struck NAV 1,000.00 / 1,000
   units = 1.000000. Dan: 500.000000 units. Carol asks 200.00, the gate allows
   100.00: fraction 0.5, so 100 units for 100.00, less the 2.00 fee (she bought
   today: inside the lock-up) -> paid 98.00; 100 units carried.
   Finance approves: cash 1,000 + 500 - 98 = 1,402.00 over 1,400 units
   -> NAV per unit 1.001429 (the fee stays with the pool).
"""

from __future__ import annotations

import argparse
import sys
import uuid
from decimal import Decimal
from typing import Any

import requests

from devstack.demo import DEMO_INVESTOR, DEMO_USERS

MANAGER = DEMO_USERS[0]


class Tour:
    def __init__(self, api: str) -> None:
        self.api = api.rstrip("/")
        self.http = requests.Session()
        self.failures = 0

    def call(self, method: str, path: str, body: Any = None, status: int = 200, **headers: str) -> Any:
        resp = self.http.request(method, self.api + path, json=body, headers=headers, timeout=30)
        if resp.status_code != status:
            raise SystemExit(f"{method} {path}: expected {status}, got {resp.status_code}: {resp.text}")
        return resp.json()

    def check(self, what: str, got: object, expected: object) -> None:
        ok = got == expected
        self.failures += not ok
        print(f"  {'ok ' if ok else 'BAD'} {what:<46} {got!s:>16}" + ("" if ok else f"   expected {expected}"))

    def run(self) -> int:
        print(f"Signing in as {MANAGER.email} at {self.api}")
        tokens = self.call("POST", "/auth/login", {"email": MANAGER.email, "password": MANAGER.password})
        self.http.headers["Authorization"] = f"Bearer {tokens['access_token']}"

        pool = self.call("POST", "/pools", {"name": "Tour Fund", "currency": "USD", "unit_price": "1.00"}, 201)
        pid = pool["id"]
        print(f"\nCreated pool {pool['name']} ({pid})")
        alice = self.call("POST", f"/pools/{pid}/investors", {"name": "Alice", "email": "alice@example.com"}, 201)
        bob = self.call("POST", f"/pools/{pid}/investors", {"name": "Bob", "email": "bob@example.com"}, 201)

        print("\n1. Alice contributes 1,000.00")
        key = str(uuid.uuid4())
        e = self.call(
            "POST",
            f"/pools/{pid}/contributions",
            {"investor_id": alice["id"], "amount": "1000.00"},
            201,
            **{"Idempotency-Key": key},
        )
        self.check("units issued", e["units"], "1000.000000")
        again = self.call(
            "POST",
            f"/pools/{pid}/contributions",
            {"investor_id": alice["id"], "amount": "1000.00"},
            200,
            **{"Idempotency-Key": key},
        )
        self.check("same Idempotency-Key replays the same entry", again["id"], e["id"])

        print("\n2. Buy 5 ACME @ 100.00 with 0.50 fees")
        self.call(
            "POST",
            f"/pools/{pid}/trades",
            {"symbol": "ACME", "side": "buy", "quantity": "5", "price": "100.00", "fees": "0.50"},
            201,
        )
        p = self.call("GET", f"/pools/{pid}")
        self.check("cash", p["cash"], "499.50")
        self.check("NAV", p["nav"], "999.50")
        self.check("NAV per unit", p["nav_per_unit"], "0.999500")

        print("\n3. Bob contributes 999.50")
        e = self.call("POST", f"/pools/{pid}/contributions", {"investor_id": bob["id"], "amount": "999.50"}, 201)
        self.check("units issued at 0.999500", e["units"], "1000.000000")

        print("\n4. Alice withdraws 100.00")
        e = self.call("POST", f"/pools/{pid}/withdrawals", {"investor_id": alice["id"], "amount": "100.00"}, 201)
        self.check("units redeemed (rounded up)", e["units"], "100.050026")
        p = self.call("GET", f"/pools/{pid}")
        self.check("pool units", p["units"], "1899.949974")
        self.check("cash", p["cash"], "1399.00")

        print("\n5. Distribute 300.00")
        d = self.call("POST", f"/pools/{pid}/distributions", {"amount": "300.00", "memo": "Tour payout"}, 201)
        shares = {a["investor_id"]: a["amount"] for a in d["allocations"]}
        self.check("Alice's share", shares.get(alice["id"]), "142.10")
        self.check("Bob's share", shares.get(bob["id"]), "157.90")
        self.check("shares sum exactly", str(sum(Decimal(v) for v in shares.values())), "300.00")
        p = self.call("GET", f"/pools/{pid}")
        self.check("cash after payout", p["cash"], "1099.00")
        self.check("NAV after payout", p["nav"], "1599.00")
        a = self.call("GET", f"/pools/{pid}/investors/{alice['id']}")
        self.check(
            "Alice contributed / withdrawn / paid out",
            (a["contributed"], a["withdrawn"], a["paid_out"]),
            ("1000.00", "100.00", "142.10"),
        )

        print("\n6. Activity, newest first")
        items = self.call("GET", f"/pools/{pid}/activity?limit=20")["items"]
        for item in items:
            print(f"     {item['created_at'][:19]}  {item['type']:<15} {item['amount'] or '':>10} {item['units'] or '':>14}")
        self.check(
            "ledger entries",
            [i["type"] for i in items][:5],
            ["distribution", "withdrawal", "contribution", "trade", "contribution"],
        )

        self.forward_day()
        self.portal()

        print(f"\n{'All figures match the hand calculation.' if not self.failures else f'{self.failures} figures differ.'}")
        return 1 if self.failures else 0

    def forward_day(self) -> None:
        print("\n7. A forward dealing day: orders, a struck NAV, finance's approval")
        pool = self.call("POST", "/pools", {"name": "Tour Forward Fund", "currency": "USD"}, 201)
        pid = pool["id"]
        carol = self.call("POST", f"/pools/{pid}/investors", {"name": "Carol"}, 201)["id"]
        dan = self.call("POST", f"/pools/{pid}/investors", {"name": "Dan"}, 201)["id"]
        self.call("POST", f"/pools/{pid}/contributions", {"investor_id": carol, "amount": "1000.00"}, 201)
        policy = {"mode": "forward", "gate": "0.10", "lockup_days": 30, "early_redemption_fee": "0.02"}
        self.check("dealing", self.call("PUT", f"/pools/{pid}/dealing", policy)["summary"], DEALING_SUMMARY)
        refused = self.http.post(f"{self.api}/pools/{pid}/contributions", json={"investor_id": dan, "amount": "1.00"}, timeout=30)
        self.check(
            "an instant contribution is refused", (refused.status_code, refused.json()["error"]["code"]), (409, "forward_dealing")
        )
        self.call("POST", f"/pools/{pid}/orders", {"investor_id": dan, "type": "subscription", "amount": "500.00"}, 201)
        order = self.call("POST", f"/pools/{pid}/orders", {"investor_id": carol, "type": "redemption", "units": "200"}, 201)
        v = self.call("POST", f"/pools/{pid}/valuations", {}, 201)
        self.check("struck NAV per unit", v["nav_per_unit"], "1.000000")
        s = {o["id"]: o for o in v["orders"]}
        self.check(
            "Carol: units, fee, paid (gated)",
            (s[order["id"]]["units"], s[order["id"]]["fee"], s[order["id"]]["amount"]),
            ("100.000000", "2.00", "98.00"),
        )
        self.check("nothing moves before approval", self.call("GET", f"/pools/{pid}")["units"], "1000.000000")

        finance = DEMO_USERS[2]
        tokens = self.call("POST", "/auth/login", {"email": finance.email, "password": finance.password})
        approved = self.call(
            "POST", f"/pools/{pid}/valuations/{v['id']}/approve", Authorization=f"Bearer {tokens['access_token']}"
        )
        self.check("finance approves; every order settles", (approved["status"], approved["settled"]), ("locked", True))
        p = self.call("GET", f"/pools/{pid}")
        self.check(
            "cash, units, NAV per unit", (p["cash"], p["units"], p["nav_per_unit"]), ("1402.00", "1400.000000", "1.001429")
        )
        carried = self.call("GET", f"/pools/{pid}/orders/{order['id']}")
        self.check("Carol's rest is carried", (carried["status"], carried["units"]), ("carried", "100.000000"))
        self.fees_and_returns(pid, carol)

    def fees_and_returns(self, pid: str, carol: str) -> None:
        print("\n8. Fees, returns, a statement and the firm at a glance")
        fees = {"management_rate": "0.01", "performance_rate": "0.20", "hurdle_rate": "0.05", "crystallisation": "quarterly"}
        self.check("fees", self.call("PUT", f"/pools/{pid}/fees", fees)["summary"], FEES_SUMMARY)
        accrued = self.call("GET", f"/pools/{pid}/fees/accrued")
        self.check("owed, and accrued since today's valuation", (accrued["fees_payable"], accrued["days"]), ("0.00", 0))
        perf = self.call("GET", f"/pools/{pid}/performance")
        self.check("returns are struck from", perf["basis"], "official NAVs")
        statement = self.call("GET", f"/pools/{pid}/investors/{carol}/statement")
        p = statement["period"]
        # 1,000 units bought at 1.00; 100 redeemed for 98.00 after the 2% early-redemption fee; 900 held at 1.000000.
        self.check(
            "Carol's statement: in, out, closing, fees, gain",
            (p["paid_in"], p["taken_out"], p["closing_value"], p["fees"], p["gain"]),
            ("1000.00", "98.00", "900.00", "2.00", "-2.00"),
        )
        firm = self.call("GET", "/firm")
        mine = next(x for x in firm["pools"] if x["id"] == pid)
        self.check("the firm view: its open orders", mine["open_orders"], 1)

    def portal(self) -> None:
        print("\n9. The investor portal: Mary Jackson sees her own holding and nothing else")
        tokens = self.call("POST", "/auth/login", {"email": DEMO_INVESTOR.email, "password": DEMO_INVESTOR.password})
        bearer = f"Bearer {tokens['access_token']}"
        mary = {"Authorization": bearer}
        holdings = self.call("GET", "/me/holdings", Authorization=bearer)["items"]
        self.check(
            "her holdings", [(h["pool"]["name"], h["name"]) for h in holdings], [("Keystone Forward Fund", "Mary Jackson")]
        )
        keystone = holdings[0]["pool"]["id"] if holdings else "none"
        refused = [
            self.http.get(f"{self.api}{path}", headers=mary, timeout=30).status_code
            for path in ("/pools", f"/pools/{keystone}", f"/pools/{keystone}/investors", f"/pools/{keystone}/activity")
        ]
        self.check("staff routes refuse her", refused, [403, 404, 404, 404])
        mine = self.call("GET", f"/me/pools/{keystone}/orders", Authorization=bearer)["items"]
        self.check("her orders are hers alone", {o["investor_name"] for o in mine}, {"Mary Jackson"})


DEALING_SUMMARY = "forward, daily, no cut-off, gate 10%, lock-up 30 days (early redemption fee 2%)"
FEES_SUMMARY = (
    "management 1% a year; performance 20% above the high-water mark, hurdle 5% a year, crystallising quarterly; "
    "paid to the manager"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.tour")
    parser.add_argument("--api", default="http://127.0.0.1:8000")
    args = parser.parse_args(argv)
    try:
        return Tour(args.api).run()
    except requests.ConnectionError:
        print(f"Nothing answers at {args.api}: start the stack with `make run` first.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
