"""Helpers shared by the private test servers."""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path

import pytest


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def servers_required() -> bool:
    """Return True when a missing server must fail the run instead of skipping (CI)."""
    return os.environ.get("FOIBOT_REQUIRE_SERVERS") == "1"


def unavailable(reason: str) -> None:
    """Skip the test, or fail it when servers are required."""
    if servers_required():
        pytest.fail(f"{reason} (FOIBOT_REQUIRE_SERVERS=1: .ci/run should have installed it)")
    pytest.skip(reason)


def shared_tmp_dir(prefix: str) -> Path:
    """Make a directory under /tmp that service users (postgres, nobody) can traverse."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    path.chmod(0o755)
    return path


def is_root() -> bool:
    return os.geteuid() == 0


def subprocess_env(**settings: str) -> dict[str, str]:
    """Return this environment without any foibot mail or Telegram settings, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "IMAP_", "TELEGRAM_", "MAIL_"))}
    env.update(settings)
    return env
