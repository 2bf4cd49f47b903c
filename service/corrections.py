"""A request that did not arrive: correct the body's address and send it again.

The corrected address is checked like any new one. A body the user added
themselves is corrected in place; a body of the shared directory is not
changed on one user's word: the user gets their own copy with the new
address (the operator can correct the directory with `foibot authorities
import`), and the request goes there.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from foi.lifecycle import Event, can
from mail.compose import Mailbox
from service import outgoing
from service.directory import add_authority, checked_address
from storage.models import AuthorityDomain, FoiRequestRow
from storage.requests import add_event


class CannotResend(Exception):
    """The request is not waiting to be resent; the message says why."""


def can_resend(request: FoiRequestRow) -> bool:
    """Return True when the request was not delivered and can go out again."""
    return request.reference is not None and can(request.status, Event.QUEUE) and request.status != "draft"


def correct_address_and_resend(
    session: Session, request: FoiRequestRow, new_address: str, mailbox: Mailbox, now: dt.datetime
) -> outgoing.Queued:
    """Point the request at ``new_address`` (checked) and queue it again; raise AddressError or CannotResend."""
    if not can_resend(request):
        raise CannotResend("this request is not waiting to be resent")
    address, sender = checked_address(new_address)
    body = request.authority
    assert body is not None
    old = body.foi_email
    if body.added_by == request.owner_id:
        body.foi_email = address
        if sender not in {d.domain for d in body.domains}:
            body.domains.append(AuthorityDomain(domain=sender))
    else:
        request.authority = add_authority(
            session, body.name, address, nation=body.nation, regime=body.regime, added_by=request.owner_id
        )
    session.flush()
    add_event(
        session, request, now, "address_corrected", f"address corrected from {old} to {address}", old=old, new=address
    )
    return outgoing.queue_request(session, request, mailbox, now)
