"""locale on donation and pledge

Revision ID: 0009
Revises: 0004
Create Date: 2026-11-24 07:44:09.871736

The language a donor's or supporter's page was in ("en", "ru"), so their
receipt, pledge confirmation and payday emails are written in it. Empty for
rows made before: those get English, as before.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # A nullable column: SQLite and PostgreSQL both add it in place.
    op.add_column('donation', sa.Column('locale', sa.String(length=16), nullable=True))
    op.add_column('pledge', sa.Column('locale', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('pledge', schema=None) as batch_op:
        batch_op.drop_column('locale')

    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.drop_column('locale')
