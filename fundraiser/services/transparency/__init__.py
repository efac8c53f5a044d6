"""Where the money went: transfers to the beneficiary, and the totals /transparency shows."""
