"""Milestones on the way to the target, the count reached, and their celebration."""
