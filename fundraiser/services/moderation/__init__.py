"""Moderation of donors' public names and messages, and the supporters' wall that shows them."""
