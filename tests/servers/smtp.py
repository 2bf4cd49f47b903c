"""The recording SMTP server lives in demo/ (``foibot demo`` uses it too)."""

from demo.smtp import Delivery, RecordingHandler, SmtpServer  # noqa: F401
