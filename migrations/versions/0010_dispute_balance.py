"""what a dispute actually withdrew

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-01 23:50:00

A dispute now takes out of `raised` what left the Stripe balance (its
`balance_transactions`: withdrawals, then reinstatements, partial ones too),
not its face amount. `withdrawn_minor` holds that figure; `progress` orders the
dispute's versions (more balance transactions, then a later status) so a late
delivery of an older version changes nothing. Existing rows: their status
said it all before, so `withdrawn_minor` is filled from it.

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

_NOT_OUT = "('won', 'warning_needs_response', 'warning_under_review', 'warning_closed', 'prevented', 'charge_refunded')"


def upgrade():
    op.add_column(
        "dispute",
        sa.Column("withdrawn_minor", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.add_column(
        "dispute", sa.Column("progress", sa.Integer(), nullable=False, server_default="0")
    )
    op.execute(f"UPDATE dispute SET withdrawn_minor = amount_minor WHERE status NOT IN {_NOT_OUT}")


def downgrade():
    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.drop_column("progress")
        batch_op.drop_column("withdrawn_minor")
