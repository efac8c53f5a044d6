"""Integration tests: mail."""
