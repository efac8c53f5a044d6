"""Storing processed files and finding them by their public name (`<sha256>.<ext>`)."""

from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.dialects import postgresql, sqlite

from ...extensions import db
from ...models import BeneficiaryTransfer, CampaignCover, CampaignUpdate, StoredFile
from ...models.types import utcnow
from .images import JPEG, PDF, Encoded

EXTENSIONS = {JPEG: "jpg", PDF: "pdf"}
_NAME = re.compile(r"(?P<sha>[0-9a-f]{64})\.(?P<ext>[a-z]{3,4})")


def save(encoded: Encoded) -> StoredFile:
    """The stored copy of `encoded` (the existing row when the same bytes were stored
    before), flushed in the caller's transaction. Only images.py's output comes here."""
    digest = hashlib.sha256(encoded.data).hexdigest()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # ON CONFLICT: two organisers sending the same picture at once both get the one row.
    db.session.execute(
        insert(StoredFile)
        .values(
            sha256=digest,
            content_type=encoded.content_type,
            data=encoded.data,
            byte_size=len(encoded.data),
            width=encoded.width,
            height=encoded.height,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    return db.session.execute(sa.select(StoredFile).where(StoredFile.sha256 == digest)).scalar_one()


def name_of(stored: StoredFile) -> str:
    """The file's public name: its content hash, so the URL changes when the bytes do."""
    return f"{stored.sha256}.{EXTENSIONS[stored.content_type]}"


def url_of(stored: StoredFile) -> str:
    """The file's path on this site (served with year-long cache headers)."""
    return url_for("public.media_file", name=name_of(stored))


def by_name(name: str) -> StoredFile | None:
    """The stored file a public name names, or None (also for a malformed name)."""
    match = _NAME.fullmatch(name)
    if match is None:
        return None
    stored = db.session.scalar(sa.select(StoredFile).where(StoredFile.sha256 == match["sha"]))
    if stored is None or EXTENSIONS.get(stored.content_type) != match["ext"]:
        return None
    return stored


def forget_unused(*file_ids: int | None) -> int:
    """Delete those of `file_ids` nothing refers to any more (a replaced or removed
    cover), so they stop being served. In the caller's transaction; returns rows deleted."""
    ids = {file_id for file_id in file_ids if file_id}
    if not ids:
        return 0
    used = sa.union(
        sa.select(CampaignCover.image_id),
        sa.select(CampaignCover.card_id),
        sa.select(CampaignUpdate.image_id).where(CampaignUpdate.image_id.is_not(None)),
        sa.select(BeneficiaryTransfer.receipt_file_id).where(
            BeneficiaryTransfer.receipt_file_id.is_not(None)
        ),
    )
    result = db.session.execute(
        sa.delete(StoredFile)
        .where(StoredFile.id.in_(ids), StoredFile.id.not_in(used))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
