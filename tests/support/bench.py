"""What every latency benchmark prints for a series of samples (milliseconds)."""

from __future__ import annotations

import statistics


def latency_summary(name: str, samples: list[float], width: int = 24) -> str:
    ordered = sorted(samples)
    p90 = ordered[max(0, round(0.9 * len(ordered)) - 1)]
    return (f"{name:{width}} n={len(samples):4}  median {statistics.median(samples):7.2f} ms  "
            f"p90 {p90:7.2f} ms  mean {statistics.fmean(samples):7.2f} ms  min {ordered[0]:7.2f} ms")
