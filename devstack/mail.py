"""List the emails the local stack has sent (moto's SES keeps them):
``make mail`` or ``python -m devstack.mail --aws http://127.0.0.1:4566``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import requests


def sent_mail(aws: str) -> list[dict[str, Any]]:
    data = requests.get(f"{aws}/moto-api/data.json", timeout=10).json()
    return list(data.get("ses", {}).get("Message", []))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m devstack.mail")
    p.add_argument("--aws", default="http://127.0.0.1:4566")
    p.add_argument("--full", action="store_true", help="print each body too")
    args = p.parse_args(argv)
    try:
        messages = sent_mail(args.aws)
    except requests.ConnectionError:
        print(f"Nothing answers at {args.aws}: start the stack with `make run` first.", file=sys.stderr)
        return 2
    if not messages:
        print("No email sent yet.")
    for m in reversed(messages):
        to = ", ".join(m.get("destinations", {}).get("ToAddresses", []))
        print(f"To: {to}\nSubject: {m.get('subject')}")
        if args.full:
            print(m.get("body"))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
