"""the organiser's words in Russian beside the English

Revision ID: 0110
Revises: 0100
Create Date: 2026-12-02 05:00:00

The campaign's title and story and each team's name and note get a Russian
twin (fundraiser/i18n/organiser_text.py); empty means "not written yet", and
the page shows the English, marked. Tier labels live in the tiers JSON
(`label_ru`), so they need no column.

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0110"
down_revision = "0100"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("title_ru", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("story_ru", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name_ru", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("note_ru", sa.String(length=300), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("note_ru")
        batch_op.drop_column("name_ru")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("story_ru")
        batch_op.drop_column("title_ru")
