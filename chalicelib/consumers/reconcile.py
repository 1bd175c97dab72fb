"""The scheduled reconciliation of every pool's ledger (also `make reconcile`)."""

from __future__ import annotations

from typing import Any

from chalicelib import wiring
from chalicelib.observability import count, logger


def reconcile_ledgers() -> dict[str, Any]:
    """Fails the invocation (so the errors alarm fires) when finance could not be told about a drift."""
    report = wiring.reconciliation().run()
    count("PoolsReconciled", len(report.pools))
    count("PoolsDrifted", len(report.drifted))
    log = logger.error if report.drifted else logger.info
    log(
        "reconciliation finished",
        extra={
            "pools": len(report.pools),
            "entries": report.entries,
            "drifted": [p.pool_id for p in report.drifted],
            "unsettled": list(report.unsettled),
            "seconds": round(report.seconds, 3),
        },
    )
    if report.unreported:
        raise RuntimeError(f"drift found but finance could not be emailed about pools {', '.join(report.unreported)}")
    return {
        "pools": len(report.pools),
        "entries": report.entries,
        "drifted": [{"pool_id": p.pool_id, "name": p.name, "drift": [str(d) for d in p.drift]} for p in report.drifted],
        "unsettled": list(report.unsettled),
        "summary": report.summary(),
    }
