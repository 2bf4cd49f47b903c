"""The vocabulary of correspondence: what state a stored message is in, how it is tied to a request,
and what kind of letter goes out. String enums, so the values stored in the database stay as they are."""

from __future__ import annotations

from enum import StrEnum


class MessageState(StrEnum):
    STORED = "stored"  # kept raw, not processed yet
    MATCHED = "matched"  # attached to at least one request
    HELD = "held"  # in the holding pen
    FAILED = "failed"  # processing failed; the error is kept for triage
    SET_ASIDE = "set_aside"  # it brought processing down twice
    SENT = "sent"  # one of ours
    INSTRUCTION = "instruction"  # a requester's instruction by email (reply SEND), carried out
    PAPER = "paper"  # a letter that came by post, added by its requester; waiting for the day it arrived


class LinkStatus(StrEnum):
    ATTACHED = "attached"  # part of the request's correspondence
    SUGGESTED = "suggested"  # offered to the request's owner, waiting for their word
    CANDIDATE = "candidate"  # for the operator's eyes only


class Label(StrEnum):
    BOUNCE = "bounce"
    AUTO_REPLY = "auto_reply"


class LetterKind(StrEnum):
    REQUEST = "request"
    CHASER = "chaser"
    REVIEW = "review"  # an internal review, or a requirement for review (Scotland)
    REPLY = "reply"  # the requester's own answer in the thread
    CLARIFICATION = "clarification"  # a reply to a request to clarify: the clock starts again
    COMPLAINT = "complaint"
