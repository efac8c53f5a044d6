"""Integration tests: teams."""
