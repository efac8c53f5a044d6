"""who runs the drive and who receives the money

Revision ID: 0070
Revises: 0061
Create Date: 2026-12-02 01:00:00

Seven text columns on `campaign` (organiser name and contact, the
beneficiary's name, what it does, link and registration number, an optional
endorsement), all empty by default so existing campaigns show nothing new.

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0070"
down_revision = "0061"
branch_labels = None
depends_on = None

_COLUMNS = [
    ("organiser_name", 120),
    ("organiser_contact", 200),
    ("beneficiary_name", 200),
    ("beneficiary_about", 500),
    ("beneficiary_url", 300),
    ("beneficiary_registration", 64),
    ("endorsement", 500),
]


def upgrade():
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        for name, length in _COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )


def downgrade():
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        for name, _length in reversed(_COLUMNS):
            batch_op.drop_column(name)
