"""Organisers and access: accounts, logins, two-factor, what each may see, and the audit log.

`organisers` creates accounts and checks logins (with throttling);
`organiser_accounts` is invitations, resets and deactivation from the
dashboard; `two_factor` is TOTP and recovery codes; `scope` says what an
organiser may see and act on (the campaign or one team); `audit` records who
did what.
"""
