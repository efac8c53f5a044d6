"""Payments: the only package that talks to Stripe (see `stripe_gateway`)."""
