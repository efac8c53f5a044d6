"""Tracked links: `/give/<code>` with a preset amount and source label, and their QR codes."""
