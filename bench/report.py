"""What every benchmark shares: the machine it ran on, counting AWS requests,
an in-process moto with the pools table, the Markdown report and its charts."""

from __future__ import annotations

import os
import platform
import subprocess  # git rev-parse only, fixed argv  # nosec B404
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
# Where charts go: bench/results, unless a run asks for elsewhere (--out).
OUTPUT = [RESULTS]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal"))
        memory = f", {kb / 2**20:.0f} GiB"
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def commit() -> str:
    try:
        return subprocess.run(  # git, fixed argv  # nosec B603 B607
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False, timeout=10
        ).stdout.strip()
    except OSError:
        return "unknown"


@dataclass
class Result:
    """One benchmark: a table with a row per size, a chart, and what to read into it."""

    key: str
    title: str
    what: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    chart: str | None = None
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", self.what, "", "| " + " | ".join(self.columns) + " |"]
        lines.append("|" + "|".join(" --- " for _ in self.columns) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.chart:
            lines += ["", f"![{self.title}]({self.chart})"]
        if self.notes:
            lines += [""] + [f"- {n}" for n in self.notes]
        return "\n".join(lines) + "\n"

    def text(self) -> str:
        widths = [max(len(c), *(len(r[i]) for r in self.rows)) for i, c in enumerate(self.columns)]
        out = [self.title, "  " + "  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True))]
        out += ["  " + "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in self.rows]
        return "\n".join(out)


def write_report(results: list[Result], seconds: float, out: Path = RESULTS) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    head = [
        "# Benchmark results",
        "",
        f"`make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}, in {seconds / 60:.1f} minutes.",
        "",
        f"Machine: {machine()}.",
        "",
        "AWS here is moto, in-process or as the local stack's server: request counts are what DynamoDB "
        "would bill and wait on; times are moto's, which serves one request at a time and sorts a whole "
        "partition per query, so they are an upper bound, not AWS latency.",
        "",
    ]
    path = out / "README.md"
    path.write_text("\n".join(head) + "\n" + "\n".join(r.markdown() for r in results))
    return path


def chart(
    name: str,
    title: str,
    xlabel: str,
    ylabel: str,
    series: dict[str, tuple[list[float], list[float]]],
    *,
    logx: bool = False,
    logy: bool = False,
    right: dict[str, tuple[list[float], list[float]]] | None = None,
    right_label: str = "",
) -> str:
    """A line chart per series, as PNG; returns its path relative to the report.
    ``right`` series get an axis of their own, for figures of another unit."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = OUTPUT[0]
    out.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=110)
    for label, (xs, ys) in series.items():
        ax.plot(xs, ys, marker="o", label=label)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.grid(True, alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    if right:
        other = ax.twinx()
        for n, (label, (xs, ys)) in enumerate(right.items()):
            other.plot(xs, ys, marker="s", linestyle="--", color=f"C{len(series) + n}", label=label)
        other.set_ylabel(right_label)
        more_handles, more_labels = other.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    ax.legend(handles, labels, loc="upper left")
    fig.tight_layout()
    fig.savefig(out / f"{name}.png")
    plt.close(fig)
    return f"{name}.png"


class RequestCounter:
    """Counts the AWS calls every boto3 client of the default session makes, and
    the time spent in them (the SDK and moto, from before the call to its parsed
    answer): what is left of a run's time is our own code's."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.seconds = 0.0  # summed over threads
        self._started = threading.local()

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1
        self._started.at = time.perf_counter()

    def answered(self, **_: Any) -> None:
        started = getattr(self._started, "at", None)
        if started is not None:
            self.seconds += time.perf_counter() - started
            self._started.at = None

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def reset(self) -> None:
        self.calls.clear()
        self.seconds = 0.0


def fake_aws_environment(**extra: str) -> None:
    """What the app reads, for moto in this process: fake credentials, one region, quiet
    Powertools, no endpoint (the app must reach moto's in-process mock, not a server)."""
    fake_key = "bench"  # moto takes any credentials
    os.environ.update(
        AWS_ACCESS_KEY_ID=fake_key,
        AWS_SECRET_ACCESS_KEY=fake_key,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_REGION="us-east-1",
        POWERTOOLS_METRICS_DISABLED="true",
        POWERTOOLS_LOG_LEVEL="ERROR",
        WEBSOCKET_URL="ws://127.0.0.1:1",
        **extra,
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)


@contextmanager
def in_process_aws() -> Iterator[RequestCounter]:
    """moto in this process, the pools table provisioned and the app configured for it."""
    fake_aws_environment(COGNITO_USER_POOL_ID="us-east-1_bench", COGNITO_CLIENT_ID="bench")
    import boto3
    from moto import mock_aws

    from chalicelib import wiring
    from devstack import moto_patches
    from devstack.provision import provision_tables

    moto_patches.install()
    counter = RequestCounter()
    with mock_aws():
        boto3.setup_default_session()
        assert boto3.DEFAULT_SESSION is not None
        os.environ.update(provision_tables(boto3.client("dynamodb", region_name="us-east-1"), prefix="bench-"))
        boto3.DEFAULT_SESSION.events.register("before-call", counter)
        boto3.DEFAULT_SESSION.events.register("after-call", counter.answered)
        wiring.reset()
        try:
            yield counter
        finally:
            wiring.reset()
            boto3.DEFAULT_SESSION = None
