"""Directory search by index: SQLite FTS5 (trigram) or PostgreSQL pg_trgm; bodies may be listed without an address.

A body imported from WhatDoTheyKnow's list has no FOI address until the
first user who writes to it gives one (an empty string until then).

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    # The import finds a listed body by its address, or by its name when it has none, any letter case.
    op.execute("CREATE INDEX ix_authorities_lower_foi_email ON authorities (lower(foi_email))")
    op.execute("CREATE INDEX ix_authorities_lower_name ON authorities (lower(name))")
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_authorities_name_trgm ON authorities USING gin (lower(name) gin_trgm_ops)")
        return
    op.execute(
        "CREATE VIRTUAL TABLE authorities_fts USING fts5(name, content='authorities', content_rowid='id', "
        "tokenize='trigram')"
    )
    op.execute("INSERT INTO authorities_fts(rowid, name) SELECT id, name FROM authorities")
    # How many names hold each triple: a search leaves out the commonest ("cil" of every council).
    op.execute("CREATE VIRTUAL TABLE authorities_fts_vocab USING fts5vocab('authorities_fts', 'row')")
    op.execute(
        "CREATE TRIGGER authorities_fts_insert AFTER INSERT ON authorities BEGIN "
        "INSERT INTO authorities_fts(rowid, name) VALUES (new.id, new.name); END"
    )
    op.execute(
        "CREATE TRIGGER authorities_fts_delete AFTER DELETE ON authorities BEGIN "
        "INSERT INTO authorities_fts(authorities_fts, rowid, name) VALUES ('delete', old.id, old.name); END"
    )
    op.execute(
        "CREATE TRIGGER authorities_fts_update AFTER UPDATE OF name ON authorities BEGIN "
        "INSERT INTO authorities_fts(authorities_fts, rowid, name) VALUES ('delete', old.id, old.name); "
        "INSERT INTO authorities_fts(rowid, name) VALUES (new.id, new.name); END"
    )


def downgrade() -> None:
    bind = op.get_bind()
    op.execute("DROP INDEX IF EXISTS ix_authorities_lower_foi_email")
    op.execute("DROP INDEX IF EXISTS ix_authorities_lower_name")
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_authorities_name_trgm")
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS authorities_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS authorities_fts_vocab")
    op.execute("DROP TABLE IF EXISTS authorities_fts")
