"""the livestream overlays' secret token and alert feed

Revision ID: 0061
Revises: 0060
Create Date: 2026-12-02 01:05:00

`campaign.overlay_token`: the secret in the /overlay/<token>/... URLs a
streamer pastes into OBS; NULL until an organiser makes one at /dashboard/stream. `overlay_alert`: one
row per webhook-counted gift, with an id that only grows, for the alerts overlay.

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0061"
down_revision = "0060"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overlay_token", sa.String(64), nullable=True))
        batch_op.create_unique_constraint("uq_campaign_overlay_token", ["overlay_token"])
    op.create_table(
        "overlay_alert",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id"), nullable=False),
        sa.Column("donation_id", sa.Integer(), sa.ForeignKey("donation.id"), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("donation_id", name="uq_overlay_alert_donation_id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_overlay_alert_campaign_id", "overlay_alert", ["campaign_id"])


def downgrade():
    op.drop_index("ix_overlay_alert_campaign_id", table_name="overlay_alert")
    op.drop_table("overlay_alert")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_constraint("uq_campaign_overlay_token", type_="unique")
        batch_op.drop_column("overlay_token")
