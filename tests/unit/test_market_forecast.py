"""Forecasts that tell their uncertainty: statsmodels' ETS, its interval and a rolling back-test,
checked against answers this test works out on its own."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from services.matching.market.forecast import MIN_HISTORY, forecast_block

pytestmark = pytest.mark.unit


def test_below_the_minimum_history_there_is_no_number_and_a_sentence_says_why():
    for n in range(MIN_HISTORY):
        block = forecast_block([10.0 + i for i in range(n)], "2026-04")
        assert block["openings"] is None and block["interval"] is None and block["model"] is None
        assert block["history_points"] == n and block["min_history"] == 6 == MIN_HISTORY
        assert block["backtest"] == {"points": 0, "mae": None, "mape": None}
        assert "6 期" in block["reason"]


def test_a_straight_line_goes_on_with_a_zero_width_interval_and_no_backtest_error():
    block = forecast_block([10, 20, 30, 40, 50, 60, 70, 80], "2026-04")
    assert block["model"] == "ETS(A,A,N)" and block["reason"] is None
    assert block["openings"] == pytest.approx(90, abs=0.1)
    assert block["interval"]["level"] == 0.8
    assert block["interval"]["lower"] == pytest.approx(90, abs=0.2) and block["interval"]["upper"] == pytest.approx(90, abs=0.2)
    # folds: the last four values, each forecast from those before it — a line is forecast exactly
    assert block["backtest"]["points"] == 4
    assert block["backtest"]["mae"] == pytest.approx(0, abs=0.05) and block["backtest"]["mape"] == pytest.approx(0, abs=0.1)


def test_a_level_series_gets_simple_smoothing_whose_interval_the_test_recomputes_from_the_parameters():
    series = [100, 104, 98, 103, 101, 99, 102, 100]
    block = forecast_block(series, "2026-04")
    assert block["model"] == "ETS(A,N,N)"  # no trend to estimate: AICc prefers the simpler model
    alpha, level = block["params"]["smoothing_level"], block["params"]["initial_level"]
    squared = 0.0
    for y in series:  # ETS(A,N,N) by hand: one-step error, then the level moves by α × error
        error = y - level
        squared += error * error
        level += alpha * error
    sigma = math.sqrt(squared / len(series))
    assert block["params"]["sigma2"] == pytest.approx(sigma ** 2, rel=1e-3)
    z = NormalDist().inv_cdf(0.9)  # a central 80 % interval
    assert block["openings"] == pytest.approx(round(level, 1), abs=0.06)
    assert block["interval"]["lower"] == pytest.approx(round(level - z * sigma, 1), abs=0.06)
    assert block["interval"]["upper"] == pytest.approx(round(level + z * sigma, 1), abs=0.06)
    assert block["interval"]["lower"] < block["openings"] < block["interval"]["upper"]


def test_the_backtest_is_the_mean_error_of_refitted_one_step_forecasts():
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    series = [5, 7, 6, 9, 8, 11, 10, 13, 12, 15]
    block = forecast_block(series, None)
    trend = "add" if block["model"] == "ETS(A,A,N)" else None
    errors = []
    for k in range(len(series) - 4, len(series)):
        fit = ETSModel(pd.Series([float(v) for v in series[:k]]), error="add", trend=trend).fit(disp=False)
        errors.append(abs(series[k] - max(float(fit.forecast(1).iloc[0]), 0.0)))
    assert block["backtest"]["points"] == 4
    assert block["backtest"]["mae"] == pytest.approx(round(sum(errors) / 4, 2), abs=0.01)
    relative = [e / series[k] for e, k in zip(errors, range(len(series) - 4, len(series)), strict=True)]
    assert block["backtest"]["mape"] == pytest.approx(round(100 * sum(relative) / 4, 2), abs=0.01)


def test_openings_never_go_below_zero():
    block = forecast_block([80, 70, 60, 50, 40, 30, 20, 10], None)  # the line would reach 0, then below
    assert block["model"] == "ETS(A,A,N)"
    assert block["openings"] == 0.0 and block["interval"]["lower"] == 0.0


def test_six_points_are_too_few_to_estimate_a_trend_so_the_level_model_answers():
    # ETS(A,A,N) has five parameters with σ²: on six points its AICc is undefined, so the level model wins
    block = forecast_block([60, 50, 40, 30, 20, 10], None)
    assert block["model"] == "ETS(A,N,N)" and block["openings"] is not None
