"""Integration tests: widgets."""
