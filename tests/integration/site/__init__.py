"""Integration tests: site."""
