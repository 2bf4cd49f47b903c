"""Digests: a user's choice, when the last one went, and prompts held for the next one.

- users.digest: "off", "daily" or "weekly"; NULL lets the bot choose (weekly from ten open requests).
- users.digest_sent_at: when the last digest was accepted by Telegram.
- prompts_sent.held_for_digest: claimed for a user who reads digests; told in the next one.
- users.email: where a requester without Telegram gets notices and prompts (the email channel).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest", sa.String(10), nullable=True))
        batch_op.add_column(sa.Column("digest_sent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("email", sa.String(320), nullable=True))
    with op.batch_alter_table("prompts_sent", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("held_for_digest", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("prompts_sent", schema=None) as batch_op:
        batch_op.drop_column("held_for_digest")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email")
        batch_op.drop_column("digest_sent_at")
        batch_op.drop_column("digest")
