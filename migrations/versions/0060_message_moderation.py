"""moderation of donors' public names and messages; the supporters' wall settings

Revision ID: 0060
Revises: 0080
Create Date: 2026-12-02 01:00:00

`donation.moderation` is NULL for a gift with nothing public, else pending /
held / approved / hidden (fundraiser.models.donation.ModerationState). Existing
gifts with a public name or a message start pending: nothing shows until an
organiser approves it. `campaign.moderation_words` is the organiser's word list
(held back automatically) and `campaign.wall_shows_amounts` whether the wall
shows amounts.

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0060"
down_revision = "0080"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("donation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moderation", sa.String(20), nullable=True))
        batch_op.create_index("ix_donation_moderation", ["moderation"])
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("moderation_words", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(
            sa.Column("wall_shows_amounts", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    donation = sa.table(
        "donation",
        sa.column("moderation", sa.String),
        sa.column("name_public", sa.Boolean),
        sa.column("display_name", sa.String),
        sa.column("message", sa.Text),
    )
    op.execute(
        donation.update()
        .where(
            sa.or_(
                sa.and_(donation.c.name_public == sa.true(), donation.c.display_name != ""),
                donation.c.message != "",
            )
        )
        .values(moderation="pending")
    )


def downgrade():
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("wall_shows_amounts")
        batch_op.drop_column("moderation_words")
    with op.batch_alter_table("donation", schema=None) as batch_op:
        batch_op.drop_index("ix_donation_moderation")
        batch_op.drop_column("moderation")
