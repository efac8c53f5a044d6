"""Campaigns: the drive itself, its settings, its totals and what every visitor sees of them.

`campaigns` creates and finds the current campaign and moves its totals
(`bump_totals`); `campaign_settings` changes settings from the dashboard;
`snapshots` gives cheap version stamps for HTTP caching; `share_cards` draws
the progress picture shared on social sites.
"""
