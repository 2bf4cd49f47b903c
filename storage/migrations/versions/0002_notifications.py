"""Remember what the owner has been told about: attached or suggested messages, failed sends.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_message_links_notified_at"), ["notified_at"], unique=False)
    # Mail that arrived before notifications existed is not news: do not send it again.
    op.execute("UPDATE message_links SET notified_at = created_at")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failure_notified_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE outbox SET failure_notified_at = created_at WHERE status = 'failed'")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("failure_notified_at")
    with op.batch_alter_table("message_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_links_notified_at"))
        batch_op.drop_column("notified_at")
