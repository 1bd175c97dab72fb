"""Benchmarks: figures, not pass/fail timers (see bench/README.md)."""
