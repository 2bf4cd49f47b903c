"""The use cases: each takes the database (and owns the transaction) or a session (and joins one)."""
