"""Errors the mail adapters raise, translated from smtplib/imapclient at one boundary.

MailError
├── TemporaryFailure        4xx replies, refused connections, timeouts: retry later
├── PermanentFailure        5xx replies: the message will never be accepted
└── AuthenticationFailure   the server refused our credentials: stop, tell the operator
"""


class MailError(Exception):
    """Base class of the mail adapters' errors."""


class TemporaryFailure(MailError):
    """Try again later: the server said 4xx, or could not be reached."""


class PermanentFailure(MailError):
    """The server refused the message for good (5xx); the text is its reply."""


class AuthenticationFailure(MailError):
    """The server refused the username or password."""
