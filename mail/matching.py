"""Which request does an incoming message belong to? The matching cascade, and whom to trust.

Tried in order; the first step that finds something decides, and every match
keeps its reason:

1. ``thread``: In-Reply-To/References name one of our Message-IDs;
2. ``reply_address``: a per-request address (foibot+foi-7k3m9q@…) in
   To/Cc/Delivered-To/X-Original-To;
3. ``our_reference``: our reference in the subject or body (tolerant parser);
   a reply quoting several is attached to each;
4. ``authority_reference``: a reference the authority gave a request before
   ("Our ref: 6234788"), and only in mail from that same body's domain: an
   authority's reference is the pair (body, reference);
5. ``sender_domain``: the sender's domain belongs to exactly one authority
   with exactly one open request — a candidate for the operator only.

Steps 1–3 are *strong*: our Message-IDs and references are random and
per-request, so mail that quotes one was written to that request's owner.
Steps 4–5 are *weak*: anyone can quote an authority's reference.

Trust (what becomes of a match):
- ``attached``: a strong match from a known sender (the body's domain, or a
  correspondent already seen on the request), or a weak match from the
  body's domain when the reference is known on one user's requests only;
- ``suggested``: offered to the request's owner to confirm (preview
  included): a strong match from an unknown sender, or from the body's
  domain whose sender authentication (``Authentication-Results``) failed;
- ``candidate``: kept for the operator only (``foibot held``), never shown
  to a user: weak matches that are not attached (a reference known on two
  users' requests, a failed authentication, the sender's domain alone).
  So no user is ever shown mail that matched another user's request.
- Bounces count only when they quote a Message-ID of a message we sent for
  that request (random, so only the mail systems that carried it know it);
  any other "bounce" is a candidate.
- A reference is learned (``can_teach``) only from mail matched strongly,
  from the body's own domain, whose authentication did not fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from foi.authority_refs import find_authority_refs, normalize_authority_ref, reference_tokens
from foi.correspondence import LinkStatus
from foi.references import find_references
from mail.authresults import Authentication
from mail.domains import sender_key
from mail.parse import ParsedMessage

ATTACHED = LinkStatus.ATTACHED
SUGGESTED = LinkStatus.SUGGESTED  # offered to the owner, waiting for their word
CANDIDATE = LinkStatus.CANDIDATE  # for the operator's eyes only
AUTH_FAILED = "sender authentication failed"  # how a held link's note starts when SPF/DKIM/DMARC failed
STRONG = frozenset({"thread", "reply_address", "our_reference"})
MAX_QUOTED_IDS = 200
_QUOTED_ID = re.compile(r"<[^<>\s@]{1,200}@[^<>\s@]{1,200}>")


@dataclass(frozen=True)
class Match:
    request_id: int
    reason: str
    status: str  # ATTACHED, SUGGESTED or CANDIDATE
    note: str = ""
    can_teach: bool = False  # may the authority's references in it be learned?


class MatchLookup(Protocol):
    """What the cascade needs to know from storage. ``sender`` is a key from ``mail.domains.sender_key``."""

    def requests_for_message_ids(self, message_ids: list[str]) -> list[int]: ...

    def requests_for_sent_message_ids(self, message_ids: list[str]) -> list[int]: ...

    def requests_for_references(self, references: list[str]) -> list[int]: ...

    def requests_for_authority_refs(self, normalized: list[str], sender: str) -> list[int]: ...

    def owners_of(self, request_ids: list[int]) -> dict[int, int]: ...

    def is_at_authority(self, request_id: int, sender: str) -> bool: ...

    def is_known_correspondent(self, request_id: int, address: str) -> bool: ...

    def single_open_request_for_domain(self, sender: str) -> int | None: ...


def sender_domain(address: str | None) -> str | None:
    if not address or "@" not in address:
        return None
    return address.rpartition("@")[2].lower()


def quoted_message_ids(message: ParsedMessage) -> list[str]:
    """Return Message-IDs the message quotes: threading headers, and the headers of a returned message."""
    found = [*message.in_reply_to, *message.references]
    texts = [message.text[:200_000]]
    for attachment in message.attachments:
        if attachment.content_type.startswith("message/") or attachment.content_type == "text/rfc822-headers":
            texts.append(attachment.data[:256_000].decode("latin-1"))
        elif attachment.text:
            texts.append(attachment.text[:200_000])
    for text in texts:
        found.extend(_QUOTED_ID.findall(text))
        if len(found) > MAX_QUOTED_IDS:
            break
    return list(dict.fromkeys(found))[:MAX_QUOTED_IDS]


def candidates(message: ParsedMessage, lookup: MatchLookup) -> tuple[str, list[int]] | None:
    """Return the first cascade step that finds requests, and their ids."""
    thread_ids = [*message.in_reply_to, *message.references]
    if thread_ids and (found := lookup.requests_for_message_ids(thread_ids)):
        return "thread", found
    address_refs = [ref for address in message.recipients for ref in find_references(address.partition("@")[0])]
    if address_refs and (found := lookup.requests_for_references(address_refs)):
        return "reply_address", found
    searchable = f"{message.subject}\n{message.full_text()}"
    our_refs = find_references(searchable)
    if our_refs and (found := lookup.requests_for_references(our_refs)):
        return "our_reference", found
    if message.from_address:
        theirs = [normalize_authority_ref(ref) for ref in find_authority_refs(searchable)]
        theirs += [token for token in reference_tokens(searchable) if token not in theirs]
        sender = sender_key(message.from_address)
        if theirs and (found := lookup.requests_for_authority_refs(theirs, sender)):
            return "authority_reference", found
    return None


def match(
    message: ParsedMessage,
    lookup: MatchLookup,
    label: str | None = None,
    authentication: Authentication | None = None,
) -> list[Match]:
    """Return where the message belongs; an empty list sends it to the holding pen."""
    if label == "bounce":
        return _match_bounce(message, lookup)
    failed = authentication is not None and authentication.failed
    found = candidates(message, lookup)
    if found is None:
        single = (
            lookup.single_open_request_for_domain(sender_key(message.from_address)) if message.from_address else None
        )
        if single is not None:
            return [
                Match(
                    single,
                    "sender_domain",
                    CANDIDATE,
                    f"the only open request to {sender_domain(message.from_address)}",
                )
            ]
        return []
    reason, request_ids = found
    request_ids = list(dict.fromkeys(request_ids))
    sender = sender_key(message.from_address) if message.from_address else ""
    who = message.from_address or "an unknown sender"
    if reason == "authority_reference":
        owners = set(lookup.owners_of(request_ids).values())
        if len(owners) > 1:
            note = "the authority's reference is known on requests of different users"
            return [Match(rid, reason, CANDIDATE, note) for rid in request_ids]
        if failed:
            note = f"{AUTH_FAILED} ({authentication.detail})"  # type: ignore[union-attr]
            return [Match(rid, reason, CANDIDATE, note) for rid in request_ids]
        return [Match(rid, reason, ATTACHED) for rid in request_ids]
    matches = []
    for request_id in request_ids:
        at_authority = bool(sender) and lookup.is_at_authority(request_id, sender)
        if failed:
            note = f"{AUTH_FAILED}: {who} ({authentication.detail})"  # type: ignore[union-attr]
            matches.append(Match(request_id, reason, SUGGESTED, note))
        elif at_authority or (message.from_address and lookup.is_known_correspondent(request_id, message.from_address)):
            matches.append(Match(request_id, reason, ATTACHED, can_teach=at_authority and label is None))
        else:
            matches.append(Match(request_id, reason, SUGGESTED, f"{who} is not at the authority's domain"))
    return matches


def _match_bounce(message: ParsedMessage, lookup: MatchLookup) -> list[Match]:
    """A bounce belongs to the request whose sent message it returns; any other is the operator's to judge."""
    proven = lookup.requests_for_sent_message_ids(quoted_message_ids(message))
    if proven:
        return [Match(rid, "thread", ATTACHED) for rid in dict.fromkeys(proven)]
    found = candidates(message, lookup)
    if found is None:
        return []
    note = "looks like a bounce but does not quote a message we sent"
    return [Match(rid, found[0], CANDIDATE, note) for rid in dict.fromkeys(found[1])]
