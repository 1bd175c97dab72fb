"""After a deploy: is the stage up, and does it refuse what it should?

    python -m infrastructure.smoke --stage staging          # finds AppUrl in the stack's outputs
    python -m infrastructure.smoke --url http://127.0.0.1:8000

Read-only: it signs nobody in and moves no money. Exits non-zero, naming the
check, on the first failure (make deploy runs it; CI then fails the job).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import boto3
import requests

Check = tuple[str, Callable[[str], None]]


def _expect(resp: requests.Response, status: int, code: str | None = None) -> None:
    if resp.status_code != status:
        raise AssertionError(f"{resp.request.method} {resp.url}: {resp.status_code}, expected {status}: {resp.text[:200]}")
    if code is not None and resp.json()["error"]["code"] != code:
        raise AssertionError(f"{resp.url}: error code {resp.json()['error']['code']}, expected {code}")


def checks() -> list[Check]:
    def web_app(url: str) -> None:
        resp = requests.get(f"{url}/", timeout=10)
        _expect(resp, 200)
        if "<title>" not in resp.text or "Content-Security-Policy" not in resp.headers:
            raise AssertionError("the web app's page or its Content-Security-Policy is missing")

    def config(url: str) -> None:
        resp = requests.get(f"{url}/config", timeout=10)
        _expect(resp, 200)
        if not resp.json().get("websocket_url"):
            raise AssertionError("/config names no WebSocket endpoint")

    def openapi(url: str) -> None:
        _expect(requests.get(f"{url}/openapi.json", timeout=10), 200)

    def wrong_password(url: str) -> None:
        wrong = "not-the-password"  # deliberately wrong  # nosec B105
        body = {"email": "smoke-test@pooldesk.invalid", "password": wrong}
        _expect(requests.post(f"{url}/auth/login", json=body, timeout=10), 401, "invalid_credentials")

    def no_token(url: str) -> None:
        _expect(requests.get(f"{url}/pools", timeout=10), 401, "missing_token")

    def unsigned_webhook(url: str) -> None:
        resp = requests.post(f"{url}/webhooks/smoke", data=b"{}", headers={"Content-Type": "application/json"}, timeout=10)
        if resp.status_code not in (400, 401, 404):  # 404: no broker of that name
            raise AssertionError(f"an unsigned webhook got {resp.status_code}")

    return [
        ("the web app is served with its security headers", web_app),
        ("/config names the WebSocket endpoint", config),
        ("the OpenAPI document is served", openapi),
        ("a wrong password is refused", wrong_password),
        ("the API needs a token", no_token),
        ("an unsigned webhook is refused", unsigned_webhook),
    ]


def app_url(stage: str) -> str:
    stack = f"Pooldesk{stage.capitalize()}"
    outputs = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]
    return str(next(o["OutputValue"] for o in outputs if o["OutputKey"] == "AppUrl"))


def run(url: str) -> list[str]:
    """The failures, as lines; empty when everything passed."""
    failures = []
    for name, check in checks():
        try:
            check(url.rstrip("/"))
            print(f"ok    {name}")
        except (AssertionError, requests.RequestException, KeyError, ValueError) as exc:
            print(f"FAIL  {name}: {exc}")
            failures.append(name)
    return failures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--stage")
    where.add_argument("--url")
    args = parser.parse_args(argv)
    url = args.url or app_url(args.stage)
    print(f"smoke test of {url}")
    sys.exit(1 if run(url) else 0)


if __name__ == "__main__":
    main()
