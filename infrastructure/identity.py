"""Who signs in (Cognito), the alert mail's configuration set, and the brokers' webhook secrets."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TypeAlias

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ses as ses

from chalicelib.resources import (
    ALERT_CONFIGURATION_SET,
    PASSWORD_POLICY,
    USER_GROUPS,
)

from .stages import Stage
from .webhook_secret import secret_name

if TYPE_CHECKING:
    _Stack: TypeAlias = cdk.Stack
else:  # a mixin of PooldeskStack, which is the cdk.Stack
    _Stack = object


class Identity(_Stack):
    """Part of PooldeskStack (infrastructure/stack.py), which composes these mixins so
    every construct keeps its id, and so its logical id, in the one stack."""

    stage: Stage

    # -- sign-in --------------------------------------------------------------------

    def _cognito(self, removal: cdk.RemovalPolicy) -> tuple[cognito.UserPool, cognito.UserPoolClient]:
        pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=False,  # managers and finance staff are invited
            sign_in_aliases=cognito.SignInAliases(email=True),
            standard_attributes=cognito.StandardAttributes(email=cognito.StandardAttribute(required=True, mutable=False)),
            password_policy=cognito.PasswordPolicy(
                min_length=PASSWORD_POLICY.min_length,
                require_digits=PASSWORD_POLICY.require_digits,
                require_lowercase=PASSWORD_POLICY.require_lowercase,
                require_uppercase=PASSWORD_POLICY.require_uppercase,
                require_symbols=PASSWORD_POLICY.require_symbols,
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(sms=False, otp=True),
            deletion_protection=self.stage.retain_data,
            removal_policy=removal,
        )
        for group in USER_GROUPS:
            cognito.CfnUserPoolGroup(self, f"{group.capitalize()}Group", user_pool_id=pool.user_pool_id, group_name=group)
        client = pool.add_client(
            "WebClient",
            generate_secret=False,  # a public client: the browser app signs in through the API
            auth_flows=cognito.AuthFlow(user_password=True),
            access_token_validity=cdk.Duration.hours(1),
            refresh_token_validity=cdk.Duration.days(30),
            prevent_user_existence_errors=True,
        )
        return pool, client

    # -- mail and secrets -------------------------------------------------------------

    def _alert_mail(self) -> ses.ConfigurationSet:
        """The alert sender's identity and a configuration set that tracks
        reputation and suppresses addresses that bounce or complain."""
        configuration_set = ses.ConfigurationSet(
            self,
            "AlertMail",
            configuration_set_name=f"{ALERT_CONFIGURATION_SET.default_name}-{self.stage.name}",
            reputation_metrics=True,
            sending_enabled=True,
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
            tls_policy=ses.ConfigurationSetTlsPolicy.REQUIRE,
        )
        ses.EmailIdentity(
            self,
            "AlertSender",
            identity=ses.Identity.email(self.stage.alert_sender),
            configuration_set=configuration_set,
        )
        return configuration_set

    def _webhook_secrets(self, removal: cdk.RemovalPolicy) -> dict[str, secretsmanager.Secret]:
        """One secret per brokerage, holding {"secrets": [current, previous]}.

        They start empty, so webhooks from that broker are refused until
        `make webhook-secret` puts a key in and prints it for the broker."""
        return {
            broker: secretsmanager.Secret(
                self,
                f"WebhookSecret{broker.capitalize()}",
                secret_name=secret_name(self.stage.name, broker),
                description=f"Signing keys for {broker}'s webhooks (current first, then the previous one)",
                secret_string_value=cdk.SecretValue.unsafe_plain_text(json.dumps({"secrets": []})),
                removal_policy=removal,
            )
            for broker in self.stage.brokers
        }
