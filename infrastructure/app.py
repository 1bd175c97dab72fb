"""The CDK app: `python -m infrastructure.app` synthesizes one stage into cdk.out/.

make synth STAGE=staging          # or prod
-c stage=prod -c alarm_email=ops@example.com   (with the CDK CLI)
"""

from __future__ import annotations

import os

import aws_cdk as cdk

from .stack import PooldeskStack
from .stages import stage_named


def build(app: cdk.App) -> PooldeskStack:
    stage = stage_named(
        str(app.node.try_get_context("stage") or os.environ.get("POOLDESK_STAGE", "staging")),
        alarm_email=app.node.try_get_context("alarm_email") or os.environ.get("POOLDESK_ALARM_EMAIL") or None,
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
    app.synth()


if __name__ == "__main__":
    main()
