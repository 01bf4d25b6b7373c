"""The market figures of matching (issue #7): supply and demand, wage guides, trends, reports.

Rooms as in every service: domain.py (figures, periods — pure), store.py (read model and reports,
the only SQL), handlers.py (the feature's operations), api.py (routes), consumers.py (the read
model's feed, which the index consumer calls, the handover from its former group `matching-market`,
and the report scheduler), page.py + templates/ (the public /market
page), migrations/ (its own alembic chain), app.py (settings and wiring, called by matching's app).
"""
