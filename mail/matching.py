"""Which request does an incoming message belong to? The matching cascade.

Tried in order; the first step that finds something decides, and every match
keeps its reason:

1. ``thread``: In-Reply-To/References name one of our Message-IDs;
2. ``reply_address``: a per-request address (foibot+foi-7k3m9q@…) in
   To/Cc/Delivered-To/X-Original-To;
3. ``our_reference``: our reference in the subject or body (tolerant parser);
   a reply quoting several is attached to each;
4. ``authority_reference``: a reference the authority gave a request before
   ("Our ref: 6234788") in the subject or body;
5. ``sender_domain``: the sender's domain belongs to exactly one authority
   with exactly one open request — only a suggestion for the user to confirm.

Sender check: a match from a sender who is neither at the authority's domain
nor a correspondent already seen on that request is held for the user to
confirm, never attached silently. Bounces pass (they come from mail servers
and quote our message), as the user is told about them anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from foi.authority_refs import find_authority_refs, normalize_authority_ref, reference_tokens
from foi.references import find_references
from mail.parse import ParsedMessage

ATTACHED = "attached"
SUGGESTED = "suggested"  # held until the user confirms


@dataclass(frozen=True)
class Match:
    request_id: int
    reason: str
    status: str  # ATTACHED or SUGGESTED
    note: str = ""


class MatchLookup(Protocol):
    """What the cascade needs to know from storage."""

    def requests_for_message_ids(self, message_ids: list[str]) -> list[int]: ...

    def requests_for_references(self, references: list[str]) -> list[int]: ...

    def requests_for_authority_refs(self, normalized: list[str]) -> list[int]: ...

    def is_known_sender(self, request_id: int, address: str) -> bool: ...

    def single_open_request_for_domain(self, domain: str) -> int | None: ...


def sender_domain(address: str | None) -> str | None:
    if not address or "@" not in address:
        return None
    return address.rpartition("@")[2].lower()


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
    theirs = [normalize_authority_ref(ref) for ref in find_authority_refs(searchable)]
    theirs += [token for token in reference_tokens(searchable) if token not in theirs]
    if theirs and (found := lookup.requests_for_authority_refs(theirs)):
        return "authority_reference", found
    return None


def match(message: ParsedMessage, lookup: MatchLookup, label: str | None = None) -> list[Match]:
    """Return where the message belongs; an empty list sends it to the holding pen."""
    found = candidates(message, lookup)
    if found is None:
        domain = sender_domain(message.from_address)
        single = lookup.single_open_request_for_domain(domain) if domain else None
        if single is not None:
            return [Match(single, "sender_domain", SUGGESTED, f"the only open request to {domain}")]
        return []
    reason, request_ids = found
    matches = []
    for request_id in dict.fromkeys(request_ids):
        trusted = label == "bounce" or (
            message.from_address is not None and lookup.is_known_sender(request_id, message.from_address)
        )
        if trusted:
            matches.append(Match(request_id, reason, ATTACHED))
        else:
            note = f"{message.from_address or 'an unknown sender'} is not at the authority's domain"
            matches.append(Match(request_id, reason, SUGGESTED, note))
    return matches
