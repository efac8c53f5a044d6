"""No status literal in Python outside its enum.

Scans the app's source (no database, no app) for string constants equal to a
named state's value where code branches or filters on them: comparisons
(`==`, `!=`, `in`), SQL `.in_()` / `.notin_()` arguments, `status=` keywords,
`{"status": ...}` entries and the members of set/frozenset literals. The enums'
own modules (the models and `payments/vocabulary.py`) are where the strings live.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

from fundraiser.models import STATE_ENUMS
from fundraiser.payments.vocabulary import IntentStatus, StripeRefundStatus

PACKAGE = Path(__file__).resolve().parents[2] / "fundraiser"
# Where the strings are defined, once.
HOMES = {PACKAGE / "models", PACKAGE / "payments" / "vocabulary.py"}
ENUMS: list[type[StrEnum]] = [*STATE_ENUMS.values(), IntentStatus, StripeRefundStatus]
# Every state value, checked wherever code names a state (`status=`, `origin=`...).
VALUES = frozenset(member.value for enum in ENUMS for member in enum)
# Statuses, checked in every comparison too ("dashboard", a refund's origin, is
# also a blueprint's name, so origins and methods are checked by keyword only).
STATUS_VALUES = frozenset(
    member.value
    for enum in ENUMS
    if enum.__name__.endswith(("Status", "Reason", "Code"))
    for member in enum
)
STATE_KEYWORDS = frozenset({"status", "to_status", "from_status", "origin", "method"})


def _strings(node: ast.AST) -> Iterator[ast.Constant]:
    """The string constants `node` is, or holds directly in a tuple, list or set."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.Tuple | ast.List | ast.Set):
        for element in node.elts:
            yield from _strings(element)


def status_literals(source: str) -> Iterator[tuple[int, str]]:
    """(line, value) of each state value used as a literal where code branches on it."""
    for node in ast.walk(ast.parse(source)):
        candidates: list[ast.AST] = []
        named: list[ast.AST] = []
        if isinstance(node, ast.Compare):
            candidates = [node.left, *node.comparators]
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in {"in_", "notin_"}:
                candidates = list(node.args)
            named = [k.value for k in node.keywords if k.arg in STATE_KEYWORDS]
        elif isinstance(node, ast.Dict):
            named = [
                value
                for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant) and key.value in STATE_KEYWORDS
            ]
        elif isinstance(node, ast.Set):
            candidates = [node]
        for candidate in candidates:
            for constant in _strings(candidate):
                if constant.value in STATUS_VALUES:
                    yield constant.lineno, constant.value
        for candidate in named:
            for constant in _strings(candidate):
                if constant.value in VALUES:
                    yield constant.lineno, constant.value


def _in_home(path: Path) -> bool:
    return any(path == home or home in path.parents for home in HOMES)


def test_the_scanner_finds_each_kind_of_literal() -> None:
    snippet = (
        'if d.status == "succeeded": pass\n'
        'q.where(M.status.in_(("queued", "sending")))\n'
        'Refund(status="requested", origin="dashboard")\n'
        'if bp.name == "dashboard": pass\n'
        'row = {"status": "pledged"}\n'
        'X = frozenset({"won", "lost"})\n'
        'if d.status == DonationStatus.SUCCEEDED and name == "alice": pass\n'
    )
    found = [value for _, value in status_literals(snippet)]
    assert sorted(found) == sorted(
        ["succeeded", "queued", "sending", "requested", "dashboard", "pledged", "won", "lost"]
    )


def test_no_status_literal_outside_its_enum() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {value!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if not _in_home(path)
        for line, value in status_literals(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
