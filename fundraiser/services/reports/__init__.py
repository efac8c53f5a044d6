"""Reports: what organisers read: the overview figures, the tables and their CSV exports.

`stats` is the dashboard overview; `donation_table`, `pledge_table` and
`outbox_table` are the filtered, paged tables; `exports` writes CSV that opens
cleanly in spreadsheets.
"""
