"""the livestream overlays' secret token

Revision ID: 0061
Revises: 0050
Create Date: 2026-12-02 01:05:00

`campaign.overlay_token`: the secret in the /overlay/<token>/... URLs a
streamer pastes into OBS; NULL until an organiser makes one at /dashboard/stream.

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


def downgrade():
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_constraint("uq_campaign_overlay_token", type_="unique")
        batch_op.drop_column("overlay_token")
