"""Rotate a brokerage's webhook signing key in Secrets Manager.

    python -m infrastructure.webhook_secret --stage prod --broker acme           # new key, previous kept
    python -m infrastructure.webhook_secret --stage prod --broker acme --retire  # drop the previous key

The secret holds {"secrets": [current, previous]}; the webhook route accepts a
signature made with either, so a broker can switch keys without losing events.
The new key is printed once, to hand to the broker; it is never logged.
"""

from __future__ import annotations

import argparse
import json
import secrets
from typing import Any

import boto3

from chalicelib.resources import WEBHOOK_SECRET_PREFIX


def stage_prefix(stage: str) -> str:
    """Where a stage's broker secrets live; the app finds a broker's at prefix + broker."""
    return f"{WEBHOOK_SECRET_PREFIX}{stage}/"


def secret_name(stage: str, broker: str) -> str:
    return stage_prefix(stage) + broker


def _keys(client: Any, name: str) -> list[str]:
    return [k for k in json.loads(client.get_secret_value(SecretId=name)["SecretString"]).get("secrets", []) if k]


def rotate(client: Any, name: str) -> str:
    """A new current key; the current one becomes the previous (older ones are dropped)."""
    key = secrets.token_urlsafe(32)
    client.put_secret_value(SecretId=name, SecretString=json.dumps({"secrets": [key, *_keys(client, name)[:1]]}))
    return key


def retire(client: Any, name: str) -> None:
    """Keep only the current key, once the broker signs with it."""
    keys = _keys(client, name)
    if not keys:
        raise SystemExit(f"{name} holds no key yet: rotate first")
    client.put_secret_value(SecretId=name, SecretString=json.dumps({"secrets": keys[:1]}))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", required=True)
    parser.add_argument("--broker", required=True)
    parser.add_argument("--retire", action="store_true", help="drop the previous key instead of making a new one")
    args = parser.parse_args(argv)
    client = boto3.client("secretsmanager")
    name = secret_name(args.stage, args.broker)
    if args.retire:
        retire(client, name)
        print(f"{name}: only the current key is accepted now")
    else:
        print(f"{name}: new current key (give it to {args.broker}; the previous key stays valid):")
        print(rotate(client, name))


if __name__ == "__main__":
    main()
