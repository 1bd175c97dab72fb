"""The CDK app: `python -m infrastructure.app` synthesizes one stage into cdk.out/.

make synth STAGE=staging          # or prod
-c stage=prod -c alarm_email=ops@example.com -c alert_sender=alerts@example.com -c brokers=acme,ib
(or POOLDESK_STAGE, POOLDESK_ALARM_EMAIL, POOLDESK_ALERT_SENDER, POOLDESK_BROKERS)
"""

from __future__ import annotations

import os

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from .stack import PooldeskStack
from .stages import stage_named


def build(app: cdk.App) -> PooldeskStack:
    def chosen(key: str) -> str | None:
        return app.node.try_get_context(key) or os.environ.get(f"POOLDESK_{key.upper()}") or None

    stage = stage_named(
        chosen("stage") or "staging",
        alarm_email=chosen("alarm_email"),
        alert_sender=chosen("alert_sender"),
        brokers=chosen("brokers"),
    )
    return PooldeskStack(
        app,
        f"Pooldesk{stage.name.capitalize()}",
        stage=stage,
        env=cdk.Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=os.environ.get("CDK_DEFAULT_REGION")),
        description=f"Pooldesk ({stage.name}): investment pools",
    )


def main() -> None:
    # The CDK CLI sets CDK_OUTDIR; run directly (make synth), the assembly goes to cdk.out/.
    app = cdk.App(outdir=os.environ.get("CDK_OUTDIR", "cdk.out"))
    build(app)
    # AWS Solutions checks; each finding is fixed or suppressed with its reason
    # (infrastructure/nag.py). The report lands beside the template.
    cdk.Aspects.of(app).add(AwsSolutionsChecks(reports=True))
    app.synth()


if __name__ == "__main__":
    main()
