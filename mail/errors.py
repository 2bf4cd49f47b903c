"""Errors the mail adapters raise, translated from smtplib/imapclient at one boundary.

MailError
├── TemporaryFailure        4xx replies, refused connections, timeouts: retry later
├── PermanentFailure        5xx replies: the message will never be accepted
└── AuthenticationFailure   the server refused our credentials: stop, tell the operator

AddressError (a ValueError)   an email address or domain that cannot be used
"""


class MailError(Exception):
    """Base class of the mail adapters' errors."""


class TemporaryFailure(MailError):
    """Try again later: the server said 4xx, or could not be reached."""


class PermanentFailure(MailError):
    """The server refused the message for good (5xx); the text is its reply."""


class AuthenticationFailure(MailError):
    """The server refused the username or password."""


class AddressError(ValueError):
    """An email address (or a body's mail domain) that cannot be used; the message says why."""
