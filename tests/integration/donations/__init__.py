"""Integration tests: donations."""
