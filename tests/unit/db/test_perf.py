"""Percentiles and TPS of the performance smoke's result."""

from __future__ import annotations

from harness.db.perf import PerfResult


def test_summary_figures() -> None:
    result = PerfResult(clients=2, duration_s=2.0, scale=1, transactions=100, errors=0)
    result.latencies_ms = [float(i) for i in range(1, 101)]
    summary = result.summary()
    assert summary["tps"] == 50.0
    assert summary["latency_ms"]["p50"] == 50.5
    assert 95.0 <= summary["latency_ms"]["p95"] <= 96.0
    assert 99.0 <= summary["latency_ms"]["p99"] <= 100.0


def test_empty_run() -> None:
    result = PerfResult(clients=1, duration_s=1.0, scale=1, transactions=0, errors=3)
    assert result.summary()["latency_ms"] == {"p50": 0.0, "p95": 0.0, "p99": 0.0}
