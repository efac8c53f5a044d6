"""Integration tests: pledges."""
