"""Prometheus metrics at /metrics: what the database says now, and this process's watcher.

The figures that matter across restarts (replies matched and held, prompts
sent, the outbox's backlog and failures) are counted from the database when
scraped, so every process reports the same truth; the watcher's reconnects
are this process's own. No personal data: counts by state only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from prometheus_client import REGISTRY, CollectorRegistry, Gauge, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from storage import inbox
from storage.db import Database
from storage.models import FoiRequestRow, MessageRow, OutboxMessage, PromptSent

# Set by the runner when this process runs the watcher (connections made; reconnects are the rest).
WATCHER_CONNECTIONS = Gauge("foibot_watcher_connections", "IMAP connections the watcher made in this process")


class DatabaseFigures(Collector):
    def __init__(self, database: Database, clock: Callable[[], dt.datetime]) -> None:
        self.database = database
        self.clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self.database.unit_of_work() as session:
            messages = GaugeMetricFamily(
                "foibot_messages", "Emails kept, by direction and state (matched: attached to a request; "
                "held: in the holding pen)", labels=["direction", "state"])  # fmt: skip
            for direction, state, count in session.execute(
                select(MessageRow.direction, MessageRow.state, func.count()).group_by(
                    MessageRow.direction, MessageRow.state)):  # fmt: skip
                messages.add_metric([direction, state or ""], count)
            outbox = GaugeMetricFamily("foibot_outbox", "Outgoing emails by status", labels=["status"])
            for status, count in session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ):
                outbox.add_metric([status], count)
            retrying = session.scalar(
                select(func.count()).where(OutboxMessage.status == "queued", OutboxMessage.attempts > 0)
            )
            requests = GaugeMetricFamily("foibot_requests", "Requests by status", labels=["status"])
            for status, count in session.execute(
                select(FoiRequestRow.status, func.count()).group_by(FoiRequestRow.status)
            ):
                requests.add_metric([status], count)
            prompts = session.scalar(select(func.count(PromptSent.id))) or 0
            contact = inbox.last_contact(session)
        yield messages
        yield outbox
        yield GaugeMetricFamily("foibot_outbox_retrying", "Queued emails a server turned away at least once",
                                value=retrying or 0)  # fmt: skip
        yield requests
        yield GaugeMetricFamily("foibot_prompts_sent", "Follow-up prompts sent to users, all time", value=prompts)
        if contact is not None:
            yield GaugeMetricFamily("foibot_watcher_seconds_since_contact",
                                    "Seconds since the IMAP watcher last looked at the mailbox",
                                    value=(self.clock() - contact).total_seconds())  # fmt: skip


class Metrics:
    """The exposition for one app: the database's figures and this process's own."""

    def __init__(self, database: Database, clock: Callable[[], dt.datetime]) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(DatabaseFigures(database, clock))

    def render(self) -> bytes:
        return generate_latest(self.registry) + generate_latest(REGISTRY)
