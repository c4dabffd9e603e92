"""Service-time distributions, each parameterised by its mean and coefficient of variation (cv)."""
from __future__ import annotations

import math
import random
from collections.abc import Callable

DISTRIBUTIONS = ("exponential", "deterministic", "lognormal", "gamma", "uniform")


def sampler(kind: str, mean_s: float, cv: float, rng: random.Random) -> Callable[[], float]:
    if kind == "exponential":
        return lambda: rng.expovariate(1.0 / mean_s)
    if kind == "deterministic":
        return lambda: mean_s
    if cv <= 0:
        return lambda: mean_s
    if kind == "lognormal":
        sigma2 = math.log(1.0 + cv * cv)
        mu = math.log(mean_s) - sigma2 / 2.0
        sigma = math.sqrt(sigma2)
        return lambda: rng.lognormvariate(mu, sigma)
    if kind == "gamma":
        shape = 1.0 / (cv * cv)
        return lambda: rng.gammavariate(shape, mean_s / shape)
    if kind == "uniform":
        half = min(cv * math.sqrt(3.0), 1.0) * mean_s  # cv of U(a, b) is (b - a) / (sqrt(12) * mean)
        return lambda: rng.uniform(mean_s - half, mean_s + half)
    raise ValueError(f"unknown distribution {kind!r}")
