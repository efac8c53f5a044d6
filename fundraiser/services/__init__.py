"""The service layer: what views, the webhook and the CLI call. No HTTP here.

One sub-package per domain, each saying in its docstring what it owns:
`campaigns`, `donations`, `refunds` (refunds and disputes), `pledges`, `teams`,
`links`, `offline`, `organisers` (and access), `reports` (stats, tables,
exports). The modules left here are shared by several domains: `state` (the
compare-and-set of the state machines), `tokens` (signed links in emails) and
`slugs`.
"""
