"""The user pool as an administrator sees it: creating invited users. Cognito's own
invitation message is suppressed: Pooldesk emails the invitation itself (through
SES), the same way in every stage, so the local stack shows it in `make mail`."""

from __future__ import annotations

from typing import Any

from chalicelib.services.people_ports import Account


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
