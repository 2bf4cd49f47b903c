"""Email actions: a letter offered by email, sent when the requester replies SEND.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "email_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", name="fk_email_actions_user_id_users"),
                  nullable=False),
        sa.Column("request_id", sa.Integer(),
                  sa.ForeignKey("requests.id", name="fk_email_actions_request_id_requests", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("letter_kind", sa.String(30), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("token", name="uq_email_actions_token"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("email_actions")
