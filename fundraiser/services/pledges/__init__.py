"""Pledges: "pledge now, give on payday", their emails and their payday reminders.

`pledges` holds the pledge state machine and fulfilment when the gift
succeeds; `pledge_mail` writes the pledge emails to the outbox; `reminders`
sends the payday reminder and follow-up, then lapses the pledge.
"""
