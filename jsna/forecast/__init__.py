"""Forecasts of EHC plans, and the back-test that says how far to trust them (issue 19).

* :mod:`jsna.forecast.series` -- the tidy series (council, January, plans) read from DfE's SEN2
  caseload file through :mod:`jsna.sources.ees` (and by age band from the older and newer age
  files), and which councils have a full run.
* :mod:`jsna.forecast.baselines` -- persistence, linear trend, council x England's growth
  (published, and England's own past trend), prevalence x population projection.
* :mod:`jsna.forecast.pooled` -- the pooled growth model across councils.
* :mod:`jsna.forecast.backtest` -- the harness: fit up to T, forecast later, MAPE and interval
  coverage for every method (also by age band).
* :mod:`jsna.forecast.projection` -- the method the back-test trusts most, used for the years
  ahead with intervals made the same way.
"""
