"""Real servers started by the test session on 127.0.0.1 (see shared/TESTING.md)."""
