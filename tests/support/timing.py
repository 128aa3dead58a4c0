"""One line of latency statistics for the benchmarks in tests/benchmarks."""

from __future__ import annotations

import statistics


def summary(name: str, samples: list[float], width: int = 10) -> str:
    """`name n=… median … p90 … mean … min …` in milliseconds."""
    ordered = sorted(samples)
    p90 = ordered[max(0, round(0.9 * len(ordered)) - 1)]
    return (f"{name:{width}} n={len(samples):4}  median {statistics.median(samples):8.3f} ms  "
            f"p90 {p90:8.3f} ms  mean {statistics.fmean(samples):8.3f} ms  min {ordered[0]:8.3f} ms")
