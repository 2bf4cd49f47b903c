"""Database rows for everything foibot keeps.

Rows are storage shapes, not the domain: repositories convert them to and
from ``foi`` objects. Every email sent or received is kept whole (``raw``)
with its SHA-256, so a complaint pack can quote it unedited years later.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UtcDateTime

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        dict[str, Any]: JSON,
        list[str]: JSON,
        dt.datetime: UtcDateTime(),
        dt.date: Date,
        bytes: LargeBinary,
    }


def _now() -> Any:
    return func.now()


class User(Base):
    """A Telegram user who makes requests."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)  # None: the operator, from the CLI
    real_name: Mapped[str | None] = mapped_column(String(200))
    # Where the user is in a conversation, so a restart resumes it.
    conversation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=_now())
    banned_at: Mapped[dt.datetime | None]  # set by the operator (`foibot users ban`)
    digest: Mapped[str | None] = mapped_column(String(10))  # off, daily, weekly; None: the bot's default
    email: Mapped[str | None] = mapped_column(String(320))  # a requester without Telegram is told here
    digest_sent_at: Mapped[dt.datetime | None]
    ban_reason: Mapped[str | None] = mapped_column(String(300))

    requests: Mapped[list[FoiRequestRow]] = relationship(back_populates="owner")


class AuthorityRow(Base):
    """A public body and where to send it requests."""

    __tablename__ = "authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    foi_email: Mapped[str] = mapped_column(String(320))
    regime: Mapped[str] = mapped_column(String(10), default="foia")
    nation: Mapped[str] = mapped_column(String(20), default="england")
    tags: Mapped[list[str]] = mapped_column(default=list)
    # Who added it: None for the shared directory, else the user's id.
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=_now())

    domains: Mapped[list[AuthorityDomain]] = relationship(back_populates="authority", cascade="all, delete-orphan")


class AuthorityDomain(Base):
    """Who may write as an authority: a mail domain, or the exact address at a shared provider (gmail.com).

    The key is ``mail.domains.sender_key`` of an address. Subdomains count
    only when ``include_subdomains`` is set (a directory entry ``*.domain``).
    """

    __tablename__ = "authority_domains"
    __table_args__ = (UniqueConstraint("authority_id", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(255), index=True)
    include_subdomains: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    authority: Mapped[AuthorityRow] = relationship(back_populates="domains")


class FoiRequestRow(Base):
    """One request to one authority, from draft to closed."""

    __tablename__ = "requests"
    __table_args__ = (
        Index("ix_requests_owner_status", "owner_id", "status"),
        Index("ix_requests_status_next_check", "status", "next_check_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    regime: Mapped[str] = mapped_column(String(10), default="foia")
    status: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=_now())
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=_now(), onupdate=_now())

    # Key dates. Deadlines are stored as computed when the event happened,
    # so a list can be filtered and sorted by due date in SQL.
    sent_at: Mapped[dt.datetime | None]
    received_on: Mapped[dt.date | None]  # day 0: the authority's receipt
    reply_due_on: Mapped[dt.date | None] = mapped_column(index=True)
    reply_due_lenient_on: Mapped[dt.date | None]
    very_overdue_on: Mapped[dt.date | None]
    extended_due_on: Mapped[dt.date | None]
    promised_on: Mapped[dt.date | None]  # a date the authority itself promised
    clarification_asked_on: Mapped[dt.date | None]
    clarification_sent_on: Mapped[dt.date | None]
    fee_notice_on: Mapped[dt.date | None]
    fee_paid_on: Mapped[dt.date | None]
    responded_on: Mapped[dt.date | None]
    review_request_by: Mapped[dt.date | None]
    review_requested_on: Mapped[dt.date | None]
    review_reply_due_on: Mapped[dt.date | None]
    review_reply_due_max_on: Mapped[dt.date | None]
    review_decided_on: Mapped[dt.date | None]
    complaint_by: Mapped[dt.date | None]
    complaint_made_on: Mapped[dt.date | None]
    closed_at: Mapped[dt.datetime | None]
    snoozed_until: Mapped[dt.date | None]
    reminders_off: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the sweep next needs to look at it; any change sets it to LOOK_NOW (storage/requests.py).
    next_check_on: Mapped[dt.date] = mapped_column(default=dt.date(1970, 1, 1), server_default="1970-01-01")

    owner: Mapped[User] = relationship(back_populates="requests")
    authority: Mapped[AuthorityRow | None] = relationship()
    project: Mapped[Project | None] = relationship(back_populates="requests")
    tag_rows: Mapped[list[RequestTag]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestTag.tag"
    )
    parts: Mapped[list[QuestionPart]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="QuestionPart.position",
        foreign_keys="QuestionPart.request_id",
    )
    authority_refs: Mapped[list[AuthorityReference]] = relationship(
        back_populates="request", cascade="all, delete-orphan"
    )
    events: Mapped[list[TimelineEvent]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="(TimelineEvent.at, TimelineEvent.id)"
    )


class Project(Base):
    """A user's folder of requests; a batch is one letter sent to many bodies, each its own request."""

    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="project", server_default="project")  # or "batch"
    # A batch's letter: the subject title and the questions with their merge fields.
    title: Mapped[str] = mapped_column(String(300), default="", server_default="")
    questions_text: Mapped[str | None] = mapped_column(Text)
    # A queued batch sends nothing before this (the window in which it can be taken back).
    send_after: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(server_default=_now())

    owner: Mapped[User] = relationship()
    requests: Mapped[list[FoiRequestRow]] = relationship(back_populates="project", order_by="FoiRequestRow.id")


class RequestTag(Base):
    """One of a request's tags (lower case), chosen by its owner."""

    __tablename__ = "request_tags"
    __table_args__ = (UniqueConstraint("request_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(50), index=True)

    request: Mapped[FoiRequestRow] = relationship(back_populates="tag_rows")


class QuestionPart(Base):
    """A numbered question (``parent_id`` None) or one of its sub-items (1a, 1b…)."""

    __tablename__ = "question_parts"
    __table_args__ = (Index("ix_question_parts_request_position", "request_id", "parent_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("question_parts.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

    request: Mapped[FoiRequestRow] = relationship(back_populates="parts", foreign_keys=[request_id])


class AuthorityReference(Base):
    """A reference the authority gave a request ("Our ref: 6234788"); often several."""

    __tablename__ = "authority_references"
    __table_args__ = (UniqueConstraint("request_id", "normalized"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    reference: Mapped[str] = mapped_column(String(100))  # as printed
    normalized: Mapped[str] = mapped_column(String(100), index=True)  # for matching
    learned_from_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=_now())

    request: Mapped[FoiRequestRow] = relationship(back_populates="authority_refs")


class MessageRow(Base):
    """An email sent or received, kept raw and whole before anything else happens."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("message_id_header", "raw_sha256", name="uq_messages_dedupe"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))  # "in" or "out"
    raw: Mapped[bytes | None]  # the whole message, byte for byte
    raw_path: Mapped[str | None] = mapped_column(String(500))  # or a file under DATA_DIR
    raw_sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    message_id_header: Mapped[str | None] = mapped_column(String(998), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(Text)
    references: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    from_address: Mapped[str | None] = mapped_column(String(320))
    to_addresses: Mapped[list[str]] = mapped_column(default=list)
    sent_date: Mapped[dt.datetime | None]  # the Date header
    arrived_on: Mapped[dt.date | None]  # a letter by post: the day it reached the requester, in their word
    stored_at: Mapped[dt.datetime] = mapped_column(server_default=_now())
    # stored → matched | held; "failed" keeps the error for triage; "set_aside" after failing twice
    state: Mapped[str] = mapped_column(String(20), default="stored", index=True)
    process_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimed_until: Mapped[dt.datetime | None]  # a processing worker's lease…
    claimed_by: Mapped[str | None] = mapped_column(String(100))  # …and its name (it takes its own back at once)
    label: Mapped[str | None] = mapped_column(String(20))  # bounce, auto_reply
    parsed_text: Mapped[str | None] = mapped_column(Text)
    parse_notes: Mapped[list[str]] = mapped_column(default=list)
    oversized: Mapped[bool] = mapped_column(Boolean, default=False)
    classification: Mapped[str | None] = mapped_column(String(30))
    classification_by_user: Mapped[str | None] = mapped_column(String(30))  # the user's word wins
    analysis: Mapped[dict[str, Any] | None]

    links: Mapped[list[MessageLink]] = relationship(back_populates="message", cascade="all, delete-orphan")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="message", cascade="all, delete-orphan")


class MessageLink(Base):
    """A message attached to (or suggested for) a request, and why."""

    __tablename__ = "message_links"
    __table_args__ = (UniqueConstraint("message_id", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    # thread, reply_address, our_reference, authority_reference, sender_domain, user, sent
    reason: Mapped[str] = mapped_column(String(30))
    # attached, suggested (awaits the owner's word), candidate (the operator's only), rejected
    status: Mapped[str] = mapped_column(String(20), default="attached")
    note: Mapped[str | None] = mapped_column(Text)  # why it was held
    created_at: Mapped[dt.datetime] = mapped_column(server_default=_now())
    # When Telegram accepted the notice to the owner (None: not yet). A sender claims it first, for a
    # lease: a sender that dies mid-way leaves the claim to run out, and the notice is sent again.
    notified_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    notice_claimed_at: Mapped[dt.datetime | None]

    message: Mapped[MessageRow] = relationship(back_populates="links")


class Attachment(Base):
    """A file carried by a message, with the text extracted from it."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    filename: Mapped[str | None] = mapped_column(String(500))
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    extracted_text: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)  # why nothing could be extracted

    message: Mapped[MessageRow] = relationship(back_populates="attachments")


class TimelineEvent(Base):
    """Something that happened to a request: a state change, a message, a prompt."""

    __tablename__ = "timeline_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime]
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))

    request: Mapped[FoiRequestRow] = relationship(back_populates="events")


class PromptSent(Base):
    """A follow-up prompt already shown to the user; the unique key makes it once-only."""

    __tablename__ = "prompts_sent"
    __table_args__ = (UniqueConstraint("request_id", "kind", "due_on", name="uq_prompts_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))  # reply_due_soon, chaser, review, complaint…
    due_on: Mapped[dt.date]  # the deadline that triggered it
    sent_at: Mapped[dt.datetime]
    answered: Mapped[str | None] = mapped_column(String(20))  # acted, dismissed, snoozed
    # Claimed for a user who reads digests: told in the next digest, not on its own.
    held_for_digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class OutboxMessage(Base):
    """An email waiting to be sent, committed with its Message-ID before any network I/O."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # request, chaser, review, reply, complaint
    message_id_header: Mapped[str] = mapped_column(String(998), unique=True)
    mail_from: Mapped[str] = mapped_column(String(320))
    recipients: Mapped[list[str]] = mapped_column()
    raw: Mapped[bytes]  # the exact bytes handed to SMTP
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued, sending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=_now())
    sent_at: Mapped[dt.datetime | None]
    message_row_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    # When the owner was told that it failed for good (None: not yet, or not failed).
    failure_notified_at: Mapped[dt.datetime | None]
    # When a sender of notices took the failure to tell (a lease: given back, or taken again once stale).
    failure_notice_claimed_at: Mapped[dt.datetime | None]


class EmailAction(Base):
    """A letter offered to a requester by email; their reply "SEND" (quoting the token) sends it."""

    __tablename__ = "email_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    letter_kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class WebSignIn(Base):
    """A one-time sign-in link for the web dashboard (only the token's SHA-256 is kept)."""

    __tablename__ = "web_sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class WebSession(Base):
    """A signed-in browser: the cookie's token (as SHA-256) and the session's CSRF token."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]


class CalendarFeed(Base):
    """A private iCalendar feed URL of a filtered list; revoked, it answers nothing."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    query: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


class MailboxSync(Base):
    """How far the watcher has read a folder: the UID cursor within a UIDVALIDITY epoch."""

    __tablename__ = "mailbox_sync"
    __table_args__ = (UniqueConstraint("account", "folder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(320))
    folder: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=_now(), onupdate=_now())
    checked_at: Mapped[dt.datetime | None]  # the watcher's last successful look at the folder (for /healthz)


class MailboxUid(Base):
    """One fetched UID; the unique key makes storing a message idempotent per epoch."""

    __tablename__ = "mailbox_uids"
    __table_args__ = (UniqueConstraint("account", "folder", "uidvalidity", "uid", name="uq_mailbox_uids_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(320))
    folder: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))


class AppState(Base):
    """Small facts about the instance, by key (e.g. the rules its stored dates were computed with)."""

    __tablename__ = "app_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))
