"""The user pool as an administrator sees it: creating invited users. Cognito's own
invitation message is suppressed: Pooldesk emails the invitation itself (through
SES), the same way in every stage, so the local stack shows it in `make mail`.
Disabling a login, and finding one by address or by sub."""

from __future__ import annotations

import re
from typing import Any

from chalicelib.domain.errors import InvalidInput
from chalicelib.services.people_ports import Account, Login, LoginPage


class CognitoAccounts:
    def __init__(self, client: Any, user_pool_id: str) -> None:
        self._idp = client
        self._pool = user_pool_id

    def invite(self, *, email: str, name: str, group: str, temporary_password: str) -> Account:
        attributes = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
        if name:
            attributes.append({"Name": "name", "Value": name})
        try:
            user = self._idp.admin_create_user(
                UserPoolId=self._pool,
                Username=email,
                TemporaryPassword=temporary_password,
                UserAttributes=attributes,
                MessageAction="SUPPRESS",
            )["User"]
        except self._idp.exceptions.UsernameExistsException:
            return Account(user_id="", email=email, created=False)  # one login per person: nothing changes here
        self._idp.admin_add_user_to_group(UserPoolId=self._pool, Username=email, GroupName=group)
        attrs = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
        return Account(user_id=attrs.get("sub", ""), email=email, created=True)

    def find(self, email: str) -> Account | None:
        try:
            user = self._idp.admin_get_user(UserPoolId=self._pool, Username=email)
        except self._idp.exceptions.UserNotFoundException:
            return None
        attrs = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
        return Account(user_id=attrs.get("sub", ""), email=attrs.get("email", email), created=False)

    def add_to_group(self, email: str, group: str) -> None:
        self._idp.admin_add_user_to_group(UserPoolId=self._pool, Username=email, GroupName=group)

    def email_of(self, user_id: str) -> str | None:
        user = self._by_sub(user_id)
        if user is None:
            return None
        return str({a["Name"]: a["Value"] for a in user.get("Attributes", [])}.get("email", ""))

    def disable(self, user_id: str) -> None:
        username = self._username(user_id)
        self._idp.admin_disable_user(UserPoolId=self._pool, Username=username)
        self._idp.admin_user_global_sign_out(UserPoolId=self._pool, Username=username)

    def enable(self, user_id: str) -> None:
        self._idp.admin_enable_user(UserPoolId=self._pool, Username=self._username(user_id))

    def logins(self, *, limit: int, cursor: str | None) -> LoginPage:
        kwargs: dict[str, Any] = {"UserPoolId": self._pool, "Limit": min(max(limit, 1), 60)}
        if cursor:
            kwargs["PaginationToken"] = cursor
        try:
            resp = self._idp.list_users(**kwargs)
        except self._idp.exceptions.InvalidParameterException:
            raise InvalidInput("cursor is not one this API gave", field="cursor", code="invalid_cursor") from None
        found = []
        for user in resp.get("Users", []):
            attrs = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
            groups = self._idp.admin_list_groups_for_user(UserPoolId=self._pool, Username=user["Username"]).get("Groups", [])
            found.append(
                Login(
                    user_id=attrs.get("sub", ""),
                    email=attrs.get("email", ""),
                    name=attrs.get("name", ""),
                    groups=tuple(sorted(g["GroupName"] for g in groups)),
                    enabled=bool(user.get("Enabled", True)),
                    invited=user.get("UserStatus") == "FORCE_CHANGE_PASSWORD",
                )
            )
        return LoginPage(found, resp.get("PaginationToken"))

    def _username(self, user_id: str) -> str:
        user = self._by_sub(user_id)
        if user is None:  # the use case looked the login up first
            raise LookupError(user_id)
        return str(user["Username"])

    def _by_sub(self, user_id: str) -> dict[str, Any] | None:
        # A sub is a UUID; anything else could bend the filter's quoting, so it matches nobody.
        if not _SUB.fullmatch(user_id):
            return None
        users = self._idp.list_users(UserPoolId=self._pool, Filter=f'sub = "{user_id}"', Limit=1).get("Users", [])
        return users[0] if users else None


_SUB = re.compile(r"[0-9a-fA-F-]{1,64}")
