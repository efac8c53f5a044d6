"""The livestream: overlays for streaming software and their secret token."""
