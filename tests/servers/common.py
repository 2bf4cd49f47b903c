"""Helpers shared by the private test servers."""

from __future__ import annotations

import os

import pytest

from demo.net import free_port, is_root, shared_tmp_dir  # noqa: F401  (the tests' helpers too)


def servers_required() -> bool:
    """Return True when a missing server must fail the run instead of skipping (CI)."""
    return os.environ.get("FOIBOT_REQUIRE_SERVERS") == "1"


def unavailable(reason: str) -> None:
    """Skip the test, or fail it when servers are required."""
    if servers_required():
        pytest.fail(f"{reason} (FOIBOT_REQUIRE_SERVERS=1: .ci/run should have installed it)")
    pytest.skip(reason)


def subprocess_env(**settings: str) -> dict[str, str]:
    """Return this environment without any foibot mail or Telegram settings, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "IMAP_", "TELEGRAM_", "MAIL_"))}
    env.update(settings)
    return env
