"""The service layer: what views, the webhook and the CLI call. No HTTP here."""
