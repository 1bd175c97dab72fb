"""What differs between stages: names, sizes, retention and protection.

One CDK app deploys either stage; `-c stage=staging|prod` (or POOLDESK_STAGE)
picks it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Stage:
    name: str
    # Production data survives a stack deletion and cannot be dropped by accident.
    retain_data: bool
    kinesis_shards: int | None  # None: on-demand capacity
    log_retention_days: int
    dlq_retention_days: int
    api_rate_limit: int  # steady requests per second across the API
    api_burst_limit: int
    # The address alert emails come from (an SES identity in the account).
    alert_sender: str = "alerts@pooldesk.example"
    # Brokerages that post webhooks: each gets a signing-key secret.
    brokers: tuple[str, ...] = ()
    alarm_email: str | None = None


STAGES = {
    "staging": Stage(
        name="staging",
        retain_data=False,
        kinesis_shards=1,
        log_retention_days=14,
        dlq_retention_days=4,
        api_rate_limit=50,
        api_burst_limit=100,
    ),
    "prod": Stage(
        name="prod",
        retain_data=True,
        kinesis_shards=None,
        log_retention_days=365,
        dlq_retention_days=14,
        api_rate_limit=500,
        api_burst_limit=1000,
    ),
}


def stage_named(
    name: str, *, alarm_email: str | None = None, alert_sender: str | None = None, brokers: str | None = None
) -> Stage:
    """A stage, with what the deployer chose (CDK context or environment) laid over its defaults."""
    try:
        stage = STAGES[name]
    except KeyError:
        raise SystemExit(f"unknown stage {name!r}: choose one of {', '.join(STAGES)}") from None
    chosen: dict[str, object] = {}
    if alarm_email:
        chosen["alarm_email"] = alarm_email
    if alert_sender:
        chosen["alert_sender"] = alert_sender
    if brokers:
        names = tuple(b.strip() for b in brokers.split(",") if b.strip())
        bad = [b for b in names if not b.isalnum() or not b.islower()]
        if bad:
            raise SystemExit(f"broker names are lower-case letters and digits: {', '.join(bad)}")
        chosen["brokers"] = names
    return replace(stage, **chosen)  # type: ignore[arg-type]
