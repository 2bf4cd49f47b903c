"""Storage: SQLAlchemy rows, repositories, unit of work and Alembic migrations."""
