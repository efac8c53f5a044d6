"""Integration tests: offline."""
