"""The private Dovecot lives in demo/ (``foibot demo`` uses it too)."""

from demo.dovecot import PASSWORD, USER, Dovecot, find_dovecot  # noqa: F401
