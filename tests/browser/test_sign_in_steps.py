"""A first sign-in in the browser: finance invites a manager; the manager opens the
emailed link, signs in with the temporary password, is refused a weak password
(the policy is shown), chooses their own, sets up an authenticator from its QR code
and key, lands in the app, signs out and back in with a code."""

from __future__ import annotations

import html
import re
import uuid

from playwright.sync_api import Page, expect

from devstack.launch import Stack
from devstack.mail import sent_mail
from tests.support.api import FINANCE
from tests.support.browser import shot
from tests.support.stack import login
from tests.support.totp import code_to_type, totp


def test_an_invited_manager_chooses_a_password_at_the_first_sign_in(page: Page, web_stack: Stack) -> None:
    email = f"invited.{uuid.uuid4().hex[:6]}@example.com"
    s = login(web_stack.api, FINANCE.email, FINANCE.password)
    invited = s.post(f"{web_stack.api}/staff/invitations", json={"email": email, "role": "manager"}, timeout=10)
    assert invited.status_code == 201, invited.text
    (mail,) = [m for m in sent_mail(web_stack.aws) if email in m.get("destinations", {}).get("ToAddresses", [])]
    found = re.search(r"temporary password: ([^<\s]+)", mail["body"])
    assert found is not None
    temporary = html.unescape(found.group(1))

    page.goto(f"{web_stack.api}/#/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(temporary)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    expect(page.get_by_text("At least 12 characters")).to_be_visible()
    page.get_by_label("New password").fill("longenoughbutplain")
    page.get_by_label("The same again").fill("longenoughbutplain")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("the new password needs an upper-case letter, a digit, a symbol such as - or !")).to_be_visible()
    shot(page, "first-sign-in")
    page.get_by_label("New password").fill("Chosen-password-42")
    page.get_by_label("The same again").fill("Chosen-password-42")
    page.get_by_role("button", name="Set password").click()

    # A manager sets up an authenticator before getting in: a QR code, and the key typed out.
    expect(page.get_by_role("heading", name="Set up your authenticator")).to_be_visible()
    expect(page.get_by_role("img", name="QR code of the authenticator key")).to_be_visible()
    secret = page.get_by_test_id("mfa-secret").inner_text()
    shot(page, "authenticator-setup")
    wrong = "000000" if totp(secret) != "000000" else "111111"
    page.get_by_label("Code", exact=True).fill(wrong)
    page.get_by_role("button", name="Turn on and sign in").click()
    expect(page.get_by_text("that code did not match")).to_be_visible()
    page.get_by_label("Code", exact=True).fill(code_to_type(secret))
    page.get_by_role("button", name="Turn on and sign in").click()
    expect(page.get_by_role("heading", name="Pools")).to_be_visible()

    # Signing out everywhere, then in again: the password, then the authenticator's code.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("Chosen-password-42")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Code", exact=True).fill(code_to_type(secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Pools")).to_be_visible()
