"""Unit tests run with no database server and no Stripe emulator.

A unit test that asks for the emulator (directly, or through the `app`,
`client` and `campaign` fixtures that start it and migrate a database) fails
here with a message saying where it belongs: tests/integration/<area>/.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def localstripe() -> None:
    pytest.fail(
        "Unit tests start no Stripe emulator and migrate no database: "
        "a test that needs them belongs in tests/integration/<area>/."
    )
