"""Engine, sessions, unit of work and migrations.

``open_database(url)`` is the only place an engine is built. SQLite gets the
pragmas that make it safe for several processes (WAL, a busy timeout,
foreign keys), and its WAL is checkpointed off the commits
(``storage.checkpoint``); PostgreSQL is used as it comes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Table, create_engine, event, insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from storage import checkpoint

MIGRATIONS = Path(__file__).with_name("migrations")


class StorageError(Exception):
    """The database could not be opened or migrated; the message says which and why."""


def normalize_url(url: str) -> str:
    """Use psycopg 3 for a bare ``postgresql://`` URL."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Build an engine for ``url``; create the SQLite file's folder when needed."""
    url = normalize_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        file = _sqlite_file(url)
        if file is not None:
            file.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


@dataclass
class Database:
    """An engine and the session factory bound to it (and, for an SQLite file, its WAL's checkpointer)."""

    engine: Engine
    sessions: sessionmaker[Session]
    checkpointer: checkpoint.Checkpointer | None = None

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """Yield a session that commits when the block ends cleanly and rolls back otherwise."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
        if self.checkpointer is not None:
            checkpoint.release(self.checkpointer)
            self.checkpointer = None


def open_database(url: str) -> Database:
    """Open (without migrating) the database at ``url``.

    An SQLite file's commits never checkpoint its WAL: a thread does (``storage.checkpoint``).
    """
    engine = make_engine(url)
    checkpointer = None
    file = _sqlite_file(url)
    if file is not None:
        event.listen(engine, "connect", _no_checkpoint_on_commit)
        checkpointer = checkpoint.hold(file)
    return Database(engine, sessionmaker(engine, expire_on_commit=False), checkpointer)


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    if parsed.database.startswith("file:") or parsed.query.get("mode") == "memory":
        return None  # a URI filename: left to SQLite's own checkpoints
    return Path(parsed.database)


def _no_checkpoint_on_commit(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def alembic_config(url: str) -> Config:
    """Return an Alembic config for ``url`` that needs no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to ``revision``; raise StorageError on failure."""
    try:
        command.upgrade(alembic_config(url), revision)
    except SQLAlchemyError as exc:
        raise StorageError(
            f"cannot migrate the database: {exc.__class__.__name__}: {exc.orig if hasattr(exc, 'orig') else exc}"
        ) from exc


def current_revision(url: str) -> str | None:
    """Return the migration revision the database is at, or None when unmigrated."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


_KEPT_ROWS = "foibot.rows_kept_for_the_end"


@contextmanager
def inserts_at_end(session: Session) -> Iterator[None]:
    """Within the block, rows given to ``insert_later`` are inserted at its end, one statement per table.

    For a batch written with autoflush off (the inbox's): no write reaches the
    database, and so no write lock is taken (one writer at a time on SQLite),
    until the batch's work is done; and the ORM would insert each row on its
    own to learn its id. ``write_kept_rows`` empties the store early for a
    step that reads those tables.
    """
    session.info[_KEPT_ROWS] = {}
    try:
        yield
        write_kept_rows(session)
    finally:
        session.info.pop(_KEPT_ROWS, None)


def insert_later(session: Session, table: Table, rows: list[dict[str, Any]]) -> bool:
    """Keep ``rows`` (all with the same keys) for the end of ``inserts_at_end``; False, keeping none, outside it."""
    kept = session.info.get(_KEPT_ROWS)
    if kept is None:
        return False
    kept.setdefault(table, []).extend(rows)
    return True


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the same keys) with one statement: now, or at the end of ``inserts_at_end``."""
    if rows and not insert_later(session, table, rows):
        _insert(session, table, rows)


def write_kept_rows(session: Session) -> None:
    """Insert the rows kept so far (see ``inserts_at_end``), each table's in the order they were given."""
    kept = session.info.get(_KEPT_ROWS)
    for table, rows in (kept or {}).items():
        if rows:
            _insert(session, table, rows)
    if kept:
        kept.clear()


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    # render_nulls: a None is sent as NULL rather than left out, so that all rows share one statement;
    # on the table, not the class: the ORM's bulk insert costs three times as much per statement.
    session.execute(insert(table).execution_options(render_nulls=True), rows)


def insert_ignoring(session: Session, model: type, constraint_columns: list[str] | None = None):  # type: ignore[no-untyped-def]
    """Return an INSERT for ``model`` that skips rows clashing with a unique key (SQLite and PostgreSQL)."""
    table = model.__table__  # type: ignore[attr-defined]  # Core, not the ORM's bulk path: many rows at once
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing(index_elements=constraint_columns)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing(index_elements=constraint_columns)


_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _bound(column: list[Any], process: Any) -> list[Any]:
    """``column``'s values through ``process`` (none: as they are); an empty list or dict is encoded once (JSON)."""
    if process is None:
        return column
    empties: dict[type, object] = {}

    def bind(value: Any) -> Any:
        if (value == [] or value == {}) and isinstance(value, (list, dict)):
            if type(value) not in empties:
                empties[type(value)] = process(value)
            return empties[type(value)]
        return process(value)

    return list(map(bind, column))


def insert_rows_ignoring(session: Session, model: type, rows: list[dict], constraint_columns: list[str]) -> None:  # type: ignore[type-arg]
    """Insert ``rows`` (all with the same keys) in one driver-level executemany, skipping unique-key clashes.

    For the inbox's batches: SQLAlchemy's per-row parameter handling costs more
    than the database's own work there. Python-side column defaults are filled
    in and each value goes through its column type's bind processor (JSON,
    dates), so the rows read back exactly as ORM-written ones do.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    placeholder = _PLACEHOLDER.get(dialect.paramstyle)
    if placeholder is None:  # an unusual driver: the Core path does the same, more slowly
        session.execute(insert_ignoring(session, model, constraint_columns), rows)
        return
    table = model.__table__  # type: ignore[attr-defined]
    defaults = {
        column.name: column.default
        for column in table.c
        if column.name not in rows[0] and column.default is not None
        and (column.default.is_scalar or column.default.is_callable)
    }  # fmt: skip
    columns = [*rows[0], *defaults]
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({', '.join(map(quote, columns))}) "
        f"VALUES ({', '.join([placeholder] * len(columns))}) "
        f"ON CONFLICT ({', '.join(map(quote, constraint_columns))}) DO NOTHING"
    )
    # Column by column: one bind processor mapped over each column's values, then the rows zipped back.
    given = [[row[name] for row in rows] for name in rows[0]]
    filled = [[d.arg] * len(rows) if d.is_scalar else [d.arg(None) for _ in rows] for d in defaults.values()]  # type: ignore[attr-defined]
    bound = [_bound(column, process) for column, process in zip([*given, *filled], processors, strict=True)]
    values = list(zip(*bound, strict=True))
    connection.exec_driver_sql(sql, values)
