"""Integration tests: links."""
