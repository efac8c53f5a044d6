"""the organiser's wording of the warning before the card form

Revision ID: 0080
Revises: 0050
Create Date: 2026-12-02 01:00:00

Two nullable texts on the campaign; empty means the built-in default
(fundraiser/services/campaigns/risk_warning.py), so existing campaigns show it.

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0080"
down_revision = "0050"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("risk_warning_en", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("risk_warning_ru", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("risk_warning_ru")
        batch_op.drop_column("risk_warning_en")
