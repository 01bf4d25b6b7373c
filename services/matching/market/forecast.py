"""Demand forecasts that tell their uncertainty (issue 17): statsmodels' ETS, an interval, a back-test.

- Model: an additive-error exponential smoothing state-space model (ETS, statsmodels'
  `ETSModel`), with or without an additive trend — whichever has the lower AICc on the history
  (ETS(A,N,N) is simple exponential smoothing, ETS(A,A,N) is Holt's linear method), parameters
  fitted by maximum likelihood.
- Interval: the model's 80 % prediction interval of next period (statsmodels' `get_prediction`).
- Back-test: rolling origin — each of the last `BACKTEST_FOLDS` periods is forecast from the
  periods before it with the same model form, refitted; MAE and MAPE of those one-step forecasts.
- Below `MIN_HISTORY` periods there is no number: the block says why instead.

Fits cost ~0.1 s each, so answers are memoised by series (reports never change).
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Sequence
from typing import Any

MIN_HISTORY = 6  # periods with a published report before a forecast is given
BACKTEST_FOLDS = 4  # one-step forecasts of the last periods measured against what happened
MIN_FIT = 4  # periods a back-test fold fits on, at least
INTERVAL = 0.8  # the prediction interval's coverage
METHOD = "ets_statsmodels"


def _fit(values: Sequence[float], trend: bool):
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short series: convergence warnings are expected and harmless
        model = ETSModel(pd.Series([float(v) for v in values]), error="add", trend="add" if trend else None,
                         initialization_method="estimated")
        return model.fit(disp=False)


def _choose(values: Sequence[float]):
    """The better of ETS(A,N,N) and ETS(A,A,N) by AICc (a flat series cannot estimate a trend)."""
    fits = [_fit(values, False)]
    if len(set(values)) > 1:
        fits.append(_fit(values, True))
    finite = [f for f in fits if math.isfinite(f.aicc)]
    return min(finite or fits, key=lambda f: f.aicc if math.isfinite(f.aicc) else math.inf)


def _next(result) -> tuple[float, float, float]:
    frame = result.get_prediction(start=result.nobs, end=result.nobs).summary_frame(alpha=1 - INTERVAL)
    row = frame.iloc[0]
    return float(row["mean"]), float(row["pi_lower"]), float(row["pi_upper"])


def not_enough(history: int) -> str:
    return (f"只有 {history} 期数据，少于 {MIN_HISTORY} 期，不作预测：期数太少时任何预测值都不可靠。"
            if history else f"尚无已发布的历史数据，满 {MIN_HISTORY} 期后给出预测。")


@functools.lru_cache(maxsize=512)
def _forecast(series: tuple[float, ...]) -> dict[str, Any]:
    n = len(series)
    if n < MIN_HISTORY:
        return {"value": None, "interval": None, "model": None, "params": None,
                "backtest": {"points": 0, "mae": None, "mape": None}, "reason": not_enough(n)}
    chosen = _choose(series)
    trend = "smoothing_trend" in chosen.param_names
    mean, lower, upper = _next(chosen)
    errors, relative = [], []
    for k in range(max(MIN_FIT, n - BACKTEST_FOLDS), n):
        predicted = _next(_fit(series[:k], trend))[0]
        error = abs(series[k] - max(predicted, 0.0))
        errors.append(error)
        if series[k] != 0:
            relative.append(error / abs(series[k]))
    params = {name: round(float(v), 6) for name, v in zip(chosen.param_names, chosen.params, strict=True)}
    return {
        "value": round(max(mean, 0.0), 1),
        "interval": {"level": INTERVAL, "lower": round(max(lower, 0.0), 1), "upper": round(max(upper, 0.0), 1)},
        "model": "ETS(A,A,N)" if trend else "ETS(A,N,N)",
        "params": {**params, "sigma2": round(float(chosen.mse), 6)},
        "backtest": {"points": len(errors), "mae": round(sum(errors) / len(errors), 2) if errors else None,
                     "mape": round(100 * sum(relative) / len(relative), 2) if relative else None},
        "reason": None,
    }


def forecast_block(series: Sequence[float], next_period: str | None) -> dict[str, Any]:
    """Next period's openings with an 80 % interval and a back-test, or no number and why."""
    found = _forecast(tuple(float(v) for v in series))
    return {
        "method": METHOD,
        "model": found["model"],
        "period": next_period,
        "openings": found["value"],
        "interval": found["interval"],
        "params": found["params"],
        "history_points": len(series),
        "min_history": MIN_HISTORY,
        "backtest": dict(found["backtest"]),
        "reason": found["reason"],
    }
