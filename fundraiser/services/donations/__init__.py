"""Donations: from the form to the counted total, and what donors are sent.

`donations` holds the state machine (created -> pending -> succeeded/failed)
and counts a success in the campaign total; `donation_intake` starts a
donation behind the card-testing checks; `fees` is "cover the fees";
`stripe_sync` settles a donation from Stripe's own view; `reconcile` replays
what the webhook missed; `receipts` queues the receipt email; `privacy` erases
a donor's personal data. Refunds and disputes are in `services.refunds`.
"""
