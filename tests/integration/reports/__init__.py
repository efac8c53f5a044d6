"""Integration tests: reports."""
