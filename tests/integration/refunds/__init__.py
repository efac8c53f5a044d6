"""Integration tests: refunds."""
