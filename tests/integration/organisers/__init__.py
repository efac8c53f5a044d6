"""Integration tests: organisers."""
