"""Projects (a batch is one), and tags on requests.

- projects: a user's folder of requests; a batch is a project whose requests
  were written from one letter to many bodies, with the time its first
  message may go (the end of the window in which it can be taken back).
- requests.project_id replaces the never-used requests.batch_id.
- request_tags replaces the never-used JSON requests.tags: one row per tag,
  so lists filter by tag with an index on either database.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id", name="fk_projects_owner_id_users"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False, server_default="project"),
        sa.Column("title", sa.String(300), nullable=False, server_default=""),
        sa.Column("questions_text", sa.Text(), nullable=True),
        sa.Column("send_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("owner_id", "name", name="uq_projects_owner_id"),
    )
    op.create_index("ix_projects_owner_id", "projects", ["owner_id"])
    op.create_table(
        "request_tags",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "request_id",
            sa.Integer(),
            sa.ForeignKey("requests.id", name="fk_request_tags_request_id_requests", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("tag", sa.String(50), nullable=False),
        sa.UniqueConstraint("request_id", "tag", name="uq_request_tags_request_id"),
    )
    op.create_index("ix_request_tags_tag", "request_tags", ["tag"])
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("project_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_requests_project_id_projects", "projects", ["project_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_requests_project_id", ["project_id"])
        batch_op.drop_index("ix_requests_batch_id")
        batch_op.drop_column("batch_id")
        batch_op.drop_column("tags")


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tags", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("batch_id", sa.String(40), nullable=True))
        batch_op.create_index("ix_requests_batch_id", ["batch_id"])
        batch_op.drop_index("ix_requests_project_id")
        batch_op.drop_constraint("fk_requests_project_id_projects", type_="foreignkey")
        batch_op.drop_column("project_id")
    op.drop_index("ix_request_tags_tag", "request_tags")
    op.drop_table("request_tags")
    op.drop_index("ix_projects_owner_id", "projects")
    op.drop_table("projects")
