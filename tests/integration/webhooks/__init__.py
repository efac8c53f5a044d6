"""Integration tests: webhooks."""
