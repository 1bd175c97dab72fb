"""People as invitations leave them: the temporary password an email carries, and a first sign-in with it."""

from __future__ import annotations

import html
import re
from typing import Any

from .api import Api
from .events import sent_emails

CHOSEN = "Investor-password-7"


def password_in(body: str) -> str:
    found = re.search(r"temporary password: ([^<\s]+)", body)
    assert found is not None, body
    return html.unescape(found.group(1))


def temporary_password(email: str) -> str:
    """The temporary password of the newest invitation sent to ``email`` (moto's SES, in process)."""
    mails = [m for m in sent_emails() if m.destinations["ToAddresses"] == [email] and "temporary password" in m.body]
    return password_in(mails[-1].body)


def temporary_password_from(mails: list[dict[str, Any]], email: str) -> str:
    """The same, from the local stack's mail (``make mail``; devstack.mail.sent_mail)."""
    bodies = [
        m["body"]
        for m in mails
        if email in m.get("destinations", {}).get("ToAddresses", []) and "temporary password" in m["body"]
    ]
    return password_in(bodies[-1])


def sign_in_first_time(api: Api, email: str, new_password: str = CHOSEN) -> dict[str, str]:
    """Sign in with the emailed temporary password, choose a password: the Authorization header."""
    first = api.post("/auth/login", {"email": email, "password": temporary_password(email)}, as_user=None).json_body
    assert first["challenge"] == "NEW_PASSWORD_REQUIRED", first
    step = {"challenge": "NEW_PASSWORD_REQUIRED", "email": email, "session": first["session"], "new_password": new_password}
    signed = api.post("/auth/challenge", step, as_user=None)
    assert signed.status_code == 200, signed.body
    return {"Authorization": f"Bearer {signed.json_body['access_token']}"}
