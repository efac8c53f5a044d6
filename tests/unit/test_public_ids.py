"""Public ids: unguessable, URL-safe, and harmless in a spreadsheet cell."""

import re

from fundraiser.models.types import new_public_id


def test_public_ids_are_32_hex_characters_and_distinct() -> None:
    ids = {new_public_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
