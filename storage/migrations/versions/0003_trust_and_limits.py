"""Trust and limits: subdomains only when configured, notes on held links, processing attempts, bans.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Mail providers anyone can have an address at (mail/domains.py): for them only the exact address is trusted.
_SHARED = (
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com", "live.co.uk",
    "msn.com", "yahoo.com", "yahoo.co.uk", "ymail.com", "aol.com", "aol.co.uk", "icloud.com", "me.com", "mac.com",
    "protonmail.com", "proton.me", "pm.me", "gmx.com", "gmx.co.uk", "gmx.net", "mail.com", "zoho.com",
    "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "fastmail.com", "tutanota.com", "yandex.com",
)


def upgrade() -> None:
    with op.batch_alter_table("authority_domains", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("include_subdomains", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("message_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("process_attempts", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("banned_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ban_reason", sa.String(length=300), nullable=True))
    # A body at a shared provider was trusted for the whole provider: keep only its own address.
    shared = ", ".join(f"'{domain}'" for domain in _SHARED)
    op.execute(
        "UPDATE authority_domains SET domain = (SELECT lower(foi_email) FROM authorities "
        f"WHERE authorities.id = authority_domains.authority_id) WHERE domain IN ({shared})"
    )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("ban_reason")
        batch_op.drop_column("banned_at")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("process_attempts")
    with op.batch_alter_table("message_links", schema=None) as batch_op:
        batch_op.drop_column("note")
    with op.batch_alter_table("authority_domains", schema=None) as batch_op:
        batch_op.drop_column("include_subdomains")
