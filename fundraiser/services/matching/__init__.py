"""Matched giving: matches, what each matcher owes, and what they paid."""
