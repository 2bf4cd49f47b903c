"""One letter to many bodies: merge fields, and when each message may go.

A batch letter is written once with merge fields in braces — ``{authority}``
(the body's name) and ``{note}`` (a note given for that body, e.g. from a CSV
column) — and becomes one request per body, each with its own reference and
deadlines. Sending is spread out so that no receiving domain gets more than
one message per ``per_domain`` and the mailbox sends no more than one per
``per_mailbox``: a burst of identical mail from one address is what spam
filters and FOI officers both notice (WhatDoTheyKnow Pro waits between sends
for the same reason).
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from foi.errors import FoiError

MERGE_FIELDS = {
    "authority": "the body's name",
    "note": "the note given for that body (empty when none)",
}
MAX_BODIES = 500


class MergeError(FoiError):
    """The letter names a merge field that does not exist, or has a stray brace."""


def merge_fields_in(text: str) -> list[str]:
    """Return the merge fields ``text`` uses, in order (raise MergeError on an unknown one or a stray brace)."""
    used: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise MergeError(f"the letter has a stray brace ({exc}); write {{{{ or }}}} for a literal one") from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in MERGE_FIELDS or spec or conversion:
            known = ", ".join(f"{{{n}}}" for n in MERGE_FIELDS)
            raise MergeError(f"unknown merge field {{{name}}}: the fields are {known}")
        if name not in used:
            used.append(name)
    return used


def merge(text: str, values: Mapping[str, str]) -> str:
    """Fill the merge fields of ``text`` with ``values`` (missing ones are empty)."""
    merge_fields_in(text)
    return text.format_map({name: " ".join((values.get(name) or "").split()) for name in MERGE_FIELDS})


@dataclass(frozen=True)
class Throttle:
    """How far apart messages go: per receiving domain, and from the mailbox as a whole."""

    per_domain: dt.timedelta = dt.timedelta(minutes=1)
    per_mailbox: dt.timedelta = dt.timedelta(seconds=10)


def send_times(
    domains: Sequence[str],
    not_before: dt.datetime,
    throttle: Throttle,
    last_to_domain: Mapping[str, dt.datetime] | None = None,
    last_from_mailbox: dt.datetime | None = None,
) -> list[dt.datetime]:
    """Return when each message (to ``domains[i]``) may go, in the order given.

    ``last_to_domain`` and ``last_from_mailbox`` are the times already taken by
    mail queued or sent before (so two batches together keep the limits).
    Each message takes the earliest moment that keeps both gaps; a domain
    waiting for its gap does not hold back the others.
    """
    last_domain = {domain.lower(): when for domain, when in (last_to_domain or {}).items()}
    mailbox_free = not_before
    if last_from_mailbox is not None:
        mailbox_free = max(not_before, last_from_mailbox + throttle.per_mailbox)
    pending = list(range(len(domains)))
    # Greedy by earliest possible time: at each step whichever message can go first goes.
    result: dict[int, dt.datetime] = {}
    while pending:
        best_index, best_time = None, None
        for i in pending:
            domain = domains[i].lower()
            earliest = mailbox_free
            if domain in last_domain:
                earliest = max(earliest, last_domain[domain] + throttle.per_domain)
            if best_time is None or earliest < best_time:
                best_index, best_time = i, earliest
                if earliest == mailbox_free:
                    break  # nothing can go sooner than the mailbox allows
        assert best_index is not None and best_time is not None
        result[best_index] = best_time
        last_domain[domains[best_index].lower()] = best_time
        mailbox_free = best_time + throttle.per_mailbox
        pending.remove(best_index)
    return [result[i] for i in range(len(domains))]
