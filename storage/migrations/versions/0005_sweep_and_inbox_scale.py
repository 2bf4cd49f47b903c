"""The sweep reads only what is due; several processing workers share the inbox.

- requests.next_check_on: the day a request next needs looking at (indexed);
  every existing request is looked at by the next sweep.
- messages.claimed_until, claimed_by: a processing worker's lease on a stored message.
- app_state: small facts about the instance (the rules the stored dates were computed with).

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_check_on", sa.Date(), nullable=False, server_default="1970-01-01"))
        batch_op.create_index("ix_requests_status_next_check", ["status", "next_check_on"])
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claimed_by", sa.String(100), nullable=True))
    op.create_table(
        "app_state",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.String(500), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("app_state")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("claimed_until")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_status_next_check")
        batch_op.drop_column("next_check_on")
