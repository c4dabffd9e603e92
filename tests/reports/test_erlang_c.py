"""Erlang C against the textbook formula and known values; the stable recursion where the formula overflows."""
from __future__ import annotations

import math

import pytest

from server.reports.staffing import Target, counters_needed, erlang_b, erlang_c, predict


def textbook_erlang_c(c: int, a: float) -> float:
    top = a ** c / math.factorial(c) * c / (c - a)
    return top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)


@pytest.mark.parametrize("c", [1, 2, 3, 5, 8, 13, 21, 30])
@pytest.mark.parametrize("rho", [0.1, 0.5, 0.8, 0.95, 0.999])
def test_matches_the_textbook_formula(c, rho):
    assert erlang_c(c, c * rho) == pytest.approx(textbook_erlang_c(c, c * rho), rel=1e-9)


def test_known_values():
    assert erlang_c(1, 0.7) == pytest.approx(0.7)  # M/M/1: P(wait) = rho
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_b(1, 1.0) == pytest.approx(0.5) and erlang_b(2, 1.0) == pytest.approx(0.2)
    assert erlang_c(3, 3.0) == 1.0 and erlang_c(3, 0.0) == 0.0  # unstable; nobody comes


def test_stable_for_hundreds_of_counters():
    # a^c / c! overflows a float here (280^300); the recursion does not.
    value = erlang_c(300, 280.0)
    assert 0.0 < value < 1.0 and math.isfinite(value)
    with pytest.raises(OverflowError):
        textbook_erlang_c(300, 280.0)


def test_prediction_waits_and_quantiles_agree():
    p = predict(4, 40, 240)
    assert p.load == pytest.approx(8 / 3) and p.utilisation == pytest.approx(2 / 3)
    assert p.mean_wait_s == pytest.approx(p.prob_wait * 240 / (4 - 8 / 3))
    q = p.wait_quantile_s(0.9)
    assert p.share_within(q) == pytest.approx(0.9)
    assert predict(2, 60, 120).stable is False and predict(2, 60, 120).share_within(600) == 0.0


def test_counters_needed_is_the_fewest_that_meet_the_target():
    target = Target(share=0.8, within_s=600, max_wait_s=1200, max_over_per_hour=0.5)
    for rate in (1, 5, 15, 40, 90, 200):
        need = counters_needed(rate, 300, target)
        assert target.met_by(need)
        if need.servers > 1:
            assert not target.met_by(predict(need.servers - 1, rate, 300))
    assert counters_needed(0, 300).servers == 0
