"""Refunds and disputes: every way money goes back, and what it takes out of `raised`.

`refunds_and_disputes` records Stripe's refund and dispute objects (from the
webhook, reconcile or the dashboard) and recomputes each donation's deduction;
`organiser_refunds` is the refund an organiser makes from the dashboard. The
webhook's event handlers (webhooks/refund_handlers.py) only unwrap the event
and call in here; the rows are in models/refunds.py.
"""
