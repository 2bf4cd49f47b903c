"""When a user's digest is due: a summary instead of one message per prompt, for those who choose it.

A person following a handful of requests wants each prompt when it comes; one following fifty wants
one message a day or a week. The choice is theirs; without one, a digest is weekly from
``AUTOMATIC_FROM`` open requests and off below. A digest goes at the first sweep after
``SEND_AFTER`` (UK time) on the day it is due: every day, or on Mondays — or at once when a week
has passed without one (a missed Monday is not skipped).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

OFF, DAILY, WEEKLY = "off", "daily", "weekly"
AUTOMATIC_FROM = 10  # open requests
SEND_AFTER = dt.time(8, 0)


class DigestChoice(StrEnum):
    OFF = OFF
    DAILY = DAILY
    WEEKLY = WEEKLY


def effective(choice: str | None, open_requests: int) -> DigestChoice:
    """The digest a user gets: their choice, or weekly for many open requests and off for few."""
    if choice in DigestChoice._value2member_map_:
        return DigestChoice(choice)
    return DigestChoice.WEEKLY if open_requests >= AUTOMATIC_FROM else DigestChoice.OFF


def is_due(choice: DigestChoice, last_sent: dt.datetime | None, now_local: dt.datetime) -> bool:
    """Return True when a digest should go now (``now_local`` and ``last_sent`` in UK time)."""
    if choice == DigestChoice.OFF or now_local.time() < SEND_AFTER:
        return False
    today = now_local.date()
    if last_sent is not None and last_sent.date() >= today:
        return False  # one a day at most
    if choice == DigestChoice.DAILY:
        return True
    return today.weekday() == 0 or last_sent is None or (today - last_sent.date()).days >= 7
