"""hosts reading approved messages on air

Revision ID: 0090
Revises: 0071
Create Date: 2026-12-02 05:30:00

`on_air_message`: one row per approved message a host took at /dashboard/read
(claimed, read, skipped or pinned). The unique `donation_id` makes taking a
message a compare-and-set: two hosts never get the same one.

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0090"
down_revision = "0071"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "on_air_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("donation_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("desk", sa.String(length=32), nullable=True),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["donation_id"], ["donation.id"]),
        sa.ForeignKeyConstraint(["organiser_id"], ["organiser.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("donation_id", name="uq_on_air_message_donation_id"),
    )
    op.create_index(
        "ix_on_air_message_campaign_state", "on_air_message", ["campaign_id", "state"]
    )


def downgrade():
    op.drop_index("ix_on_air_message_campaign_state", table_name="on_air_message")
    op.drop_table("on_air_message")
