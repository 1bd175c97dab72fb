"""Every step of signing in, through the API against Cognito (moto): a first sign-in's
new password, setting up an authenticator and signing in with its codes, a forgotten
password, and signing out everywhere. Errors say what to do, never whether an email exists."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import boto3
import pytest

from devstack.provision import CognitoIds
from tests.support.api import Api, error
from tests.support.events import sent_emails
from tests.support.totp import code_to_type, totp

NEW_USER = "new.manager@example.com"
TEMPORARY = "Temporary-pass-1"
CHOSEN = "Chosen-password-42"


@pytest.fixture
def invited(api: Api, cognito: CognitoIds, monkeypatch: pytest.MonkeyPatch) -> str:
    """A user as an invitation leaves them: a temporary password, FORCE_CHANGE_PASSWORD."""
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")  # moto checks codes, as Cognito does
    idp = boto3.client("cognito-idp", region_name="us-east-1")
    idp.admin_create_user(
        UserPoolId=cognito.user_pool_id,
        Username=NEW_USER,
        TemporaryPassword=TEMPORARY,
        UserAttributes=[{"Name": "email", "Value": NEW_USER}, {"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",
    )
    idp.admin_add_user_to_group(UserPoolId=cognito.user_pool_id, Username=NEW_USER, GroupName="managers")
    return NEW_USER


def post(api: Api, path: str, body: dict[str, Any], status: int = 200, **kw: Any) -> dict[str, Any]:
    resp = api.post(path, body, as_user=None, **kw)
    assert resp.status_code == status, resp.body
    return resp.json_body


def test_a_first_sign_in_sets_a_password_then_an_authenticator_guards_every_sign_in(
    api: Api, invited: str, cognito: CognitoIds
) -> None:
    first = post(api, "/auth/login", {"email": invited, "password": TEMPORARY})
    assert (first["challenge"], first["email"], first["access_token"]) == ("NEW_PASSWORD_REQUIRED", invited, None)
    step = {"challenge": "NEW_PASSWORD_REQUIRED", "email": invited, "session": first["session"]}
    weak = api.post("/auth/challenge", {**step, "new_password": "short"}, as_user=None)
    assert (weak.status_code, error(weak)["code"], error(weak)["field"]) == (400, "weak_password", "new_password")
    # A manager must set up an authenticator before any token is handed over.
    held = post(api, "/auth/challenge", {**step, "new_password": CHOSEN})
    assert (held["challenge"], held["access_token"]) == ("MFA_SETUP", None)
    # Tokens taken from Cognito directly (its app client id is public) do not skip the authenticator.
    direct = boto3.client("cognito-idp", region_name="us-east-1").initiate_auth(
        ClientId=cognito.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": invited, "PASSWORD": CHOSEN}
    )["AuthenticationResult"]["AccessToken"]
    bypass = api.get("/me", as_user=None, headers={"Authorization": f"Bearer {direct}"})
    assert (bypass.status_code, error(bypass)["code"]) == (401, "mfa_required")
    setup_step = {"session": held["session"], "email": invited}
    setup = post(api, "/auth/mfa/setup", setup_step)
    assert setup["otpauth_uri"] == f"otpauth://totp/Pooldesk%3Anew.manager%40example.com?secret={setup['secret']}&issuer=Pooldesk"
    wrong = api.post(
        "/auth/mfa/verify", {**setup_step, "code": "123456" if totp(setup["secret"]) != "123456" else "654321"}, as_user=None
    )
    assert (wrong.status_code, error(wrong)["code"]) == (400, "invalid_code")
    done = post(api, "/auth/mfa/verify", {**setup_step, "code": code_to_type(setup["secret"])})
    assert done["enabled"] is True and done["signed_in"]["access_token"]
    bearer = {"Authorization": f"Bearer {done['signed_in']['access_token']}"}
    assert api.get("/me", as_user=None, headers=bearer).json_body["role"] == "managers"
    # The held sign-in is used up; a made-up one is refused.
    for session in (held["session"], "pooldesk-setup-" + "x" * 43):
        gone = api.post("/auth/mfa/setup", {"session": session, "email": invited}, as_user=None)
        assert (gone.status_code, error(gone)["code"]) == (401, "invalid_session")
    anonymous = api.post("/auth/mfa/setup", {}, as_user=None)
    assert (anonymous.status_code, error(anonymous)["code"]) == (401, "not_signed_in")

    # From now on a password alone is not enough: the authenticator's code is asked for.
    again = post(api, "/auth/login", {"email": invited, "password": CHOSEN})
    assert again["challenge"] == "SOFTWARE_TOKEN_MFA"
    step = {"challenge": "SOFTWARE_TOKEN_MFA", "email": invited, "session": again["session"]}
    bad = api.post("/auth/challenge", {**step, "code": "000000" if totp(setup["secret"]) != "000000" else "111111"}, as_user=None)
    assert (bad.status_code, error(bad)["code"]) == (400, "invalid_code")
    ok = post(api, "/auth/challenge", {**step, "code": code_to_type(setup["secret"])})
    assert ok["access_token"] and ok["refresh_token"]

    # Signing out everywhere revokes the refresh token.
    assert post(api, "/auth/logout", {}, headers={"Authorization": f"Bearer {ok['access_token']}"}) == {"signed_out": True}
    stale = api.post("/auth/refresh", {"refresh_token": ok["refresh_token"]}, as_user=None)
    assert (stale.status_code, error(stale)["code"]) == (401, "invalid_refresh_token")


def test_a_forgotten_password_is_reset_with_a_code_and_never_reveals_who_has_an_account(api: Api, invited: str) -> None:
    first = post(api, "/auth/login", {"email": invited, "password": TEMPORARY})
    step = {"challenge": "NEW_PASSWORD_REQUIRED", "email": invited, "session": first["session"]}
    post(api, "/auth/challenge", {**step, "new_password": "First-password-1"})
    known = api.post("/auth/forgot", {"email": invited}, as_user=None)
    unknown = api.post("/auth/forgot", {"email": "nobody@example.com"}, as_user=None)
    assert (
        (known.status_code, known.json_body)
        == (unknown.status_code, unknown.json_body)
        == (
            202,
            {"sent": "if the email has an account, a code is on its way"},
        )
    )
    weak = api.post("/auth/reset", {"email": invited, "code": "123456", "new_password": "longenoughbutplain"}, as_user=None)
    assert (weak.status_code, error(weak)["field"]) == (400, "new_password")
    assert error(weak)["message"] == "the new password needs an upper-case letter, a digit, a symbol such as - or !"
    assert post(api, "/auth/reset", {"email": invited, "code": "123456", "new_password": CHOSEN}) == {"reset": True}
    # The new password works (a manager without an authenticator is then asked to set one up).
    assert post(api, "/auth/login", {"email": invited, "password": CHOSEN})["challenge"] == "MFA_SETUP"
    # A session that is not Cognito's is refused with what to do.
    forged = api.post(
        "/auth/challenge",
        {"challenge": "NEW_PASSWORD_REQUIRED", "email": invited, "session": "x" * 40, "new_password": CHOSEN},
        as_user=None,
    )
    assert (forged.status_code, error(forged)["code"]) == (401, "invalid_session")


def test_finance_invites_a_manager_who_signs_in_with_the_emailed_temporary_password(api: Api, cognito: CognitoIds) -> None:
    invitation = {"email": "Morgan.New@Example.com ", "role": "manager", "name": "Morgan New"}
    refused = api.post("/staff/invitations", invitation)  # a manager does not invite staff
    assert (refused.status_code, error(refused)["code"]) == (403, "forbidden")
    for bad, field in (({"role": "owner"}, "role"), ({"email": "not an address"}, "email")):
        wrong = api.post("/staff/invitations", {**invitation, **bad}, as_user="finance")
        assert (wrong.status_code, error(wrong)["field"]) == (400, field)
    done = api.post("/staff/invitations", invitation, as_user="finance")
    assert done.status_code == 201, done.body
    assert (done.json_body["email"], done.json_body["role"], done.json_body["status"]) == (
        "morgan.new@example.com",
        "manager",
        "invited",
    )
    again = api.post("/staff/invitations", invitation, as_user="finance")
    assert (again.status_code, error(again)["code"]) == (409, "already_a_user")

    (mail,) = [m for m in sent_emails() if m.subject == "Your Pooldesk invitation"]
    assert mail.destinations["ToAddresses"] == ["morgan.new@example.com"]
    temporary = re.search(r"temporary password: ([^<\s]+)", mail.body)
    assert temporary is not None
    password = html.unescape(temporary.group(1))
    first = post(api, "/auth/login", {"email": "morgan.new@example.com", "password": password})
    assert first["challenge"] == "NEW_PASSWORD_REQUIRED"
    step = {"challenge": "NEW_PASSWORD_REQUIRED", "email": "morgan.new@example.com", "session": first["session"]}
    held = post(api, "/auth/challenge", {**step, "new_password": CHOSEN})
    assert held["challenge"] == "MFA_SETUP"  # staff set up an authenticator before any token is theirs
    setup = {"session": held["session"], "email": "morgan.new@example.com"}
    secret = post(api, "/auth/mfa/setup", setup)["secret"]
    signed = post(api, "/auth/mfa/verify", {**setup, "code": code_to_type(secret)})["signed_in"]
    me = api.get("/me", as_user=None, headers={"Authorization": f"Bearer {signed['access_token']}"}).json_body
    assert me["role"] == "managers"


def test_text_that_is_not_valid_unicode_is_refused_not_a_server_error(api: Api, invited: str) -> None:
    """Found by the API fuzz: a session Cognito would refuse unread (too short) was a 500; so is anything that is not text."""
    cases = (
        {"session": "x\udc77" * 6, "email": "\u00f8\uda0b@example.com"},
        {"session": "a" * 20, "email": "\ud97c"},
        {"session": "[Filtered]", "email": "\u00f8"},
        {"session": "", "email": "\u00f8"},
        {"email": "\u00f8"},
    )
    for body in cases:
        resp = api.request("POST", "/auth/mfa/setup", raw=json.dumps(body).encode(), as_user=None)
        short = {"session": "[Filtered]", "email": "a@example.com", "code": "123456"}
        assert api.post("/auth/mfa/verify", short, as_user=None).status_code in (400, 401)
        assert resp.status_code in (400, 401), resp.body
        assert error(resp)["code"] in {"invalid_field", "invalid_session", "not_signed_in"}
