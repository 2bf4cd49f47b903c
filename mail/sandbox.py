"""Parse mail where a runaway can be stopped: a worker process with a time and memory budget.

The parser's own limits (bytes, parts, depth, cells, characters) bound what
it reads, but third-party readers (TNEF, DOCX, XLSX, PDF) can still be made
to loop or to allocate gigabytes by a few kilobytes of crafted input. So each
message is parsed in a worker process (``pebble``) under ``RLIMIT_AS``; a
worker that overruns its time is killed and replaced. The message is then read
for its headers only — which is enough to match it — and flagged, never lost.

``SafeParser`` is callable like ``parse_message``; ``parse_inline`` is the same
reading in-process, for tests and for trusted input.
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
import threading
from concurrent.futures import TimeoutError as FutureTimeout

from mail.parse import DEFAULT_MAX_BYTES, ParsedMessage, headers_only, parse_message

log = logging.getLogger(__name__)

OVERRUN = "overrun"  # the note's first word when the budget stopped a parse


def _limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):  # a lower hard limit is already in force: keep it
        log.warning("could not limit the parser's memory to %s MB", megabytes)


def _parse(raw: bytes, max_bytes: int) -> ParsedMessage:
    return parse_message(raw, max_bytes)


def parse_inline(raw: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedMessage:
    """Parse in this process (trusted input, tests)."""
    return parse_message(raw, max_bytes)


class SafeParser:
    """Parses messages in worker processes with a time and memory budget each."""

    def __init__(
        self, seconds: float = 20.0, memory_mb: int = 1024, max_bytes: int = DEFAULT_MAX_BYTES, workers: int = 1
    ) -> None:
        self.seconds = seconds
        self.memory_mb = memory_mb
        self.max_bytes = max_bytes
        self.workers = workers
        self._pool = None
        self._lock = threading.Lock()

    def _ensure_pool(self):  # type: ignore[no-untyped-def]
        with self._lock:
            if self._pool is None:
                from pebble import ProcessPool

                self._pool = ProcessPool(
                    max_workers=self.workers,
                    initializer=_limit_memory,
                    initargs=(self.memory_mb,),
                    context=multiprocessing.get_context("forkserver"),
                )
            return self._pool

    def __call__(self, raw: bytes, max_bytes: int | None = None) -> ParsedMessage:
        """Return the parsed message, or its headers only (flagged) when the budget ran out."""
        return self.parse_many([raw], max_bytes)[0]

    def parse_many(self, raws: list[bytes], max_bytes: int | None = None) -> list[ParsedMessage]:
        """Parse several messages at once, one per worker process; each keeps its own budget."""
        limit = max_bytes or self.max_bytes
        futures = [None if len(raw) > limit else self._schedule(raw, limit) for raw in raws]
        return [
            parse_message(raw, limit) if future is None else self._result(raw, future)  # too big: headers, read here
            for raw, future in zip(raws, futures, strict=True)
        ]

    def _schedule(self, raw: bytes, limit: int):  # type: ignore[no-untyped-def]
        try:
            return self._ensure_pool().schedule(_parse, args=(raw, limit), timeout=self.seconds)
        except RuntimeError:  # the pool broke (a worker could not start): start a new one
            self.close()
            return self._ensure_pool().schedule(_parse, args=(raw, limit), timeout=self.seconds)

    def _result(self, raw: bytes, future) -> ParsedMessage:  # type: ignore[no-untyped-def]
        try:
            return future.result()
        except FutureTimeout:
            reason = f"{OVERRUN}: parsing stopped after {self.seconds:g} s"
        except MemoryError:
            reason = f"{OVERRUN}: parsing stopped at the {self.memory_mb} MB memory budget"
        except Exception as exc:  # the worker died (killed by the kernel, or crashed in a C library)
            reason = f"{OVERRUN}: the parser stopped ({exc.__class__.__name__})"
        log.warning("message of %s bytes: %s; read for its headers only", len(raw), reason)
        parsed = headers_only(raw)
        parsed.oversized = True
        parsed.notes.append(f"{reason}; headers only, kept raw")
        return parsed

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.stop()
                self._pool.join(timeout=5)
                self._pool = None
