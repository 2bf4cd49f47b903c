"""Secrets never reach the logs, and .env.example documents every setting."""

import logging
import re
from pathlib import Path

from foibot.logs import MASK, RedactSecrets
from foibot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_secrets_are_masked_in_messages_arguments_and_tracebacks():
    secret = "123456:SECRET-TOKEN"
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "HTTP Request: POST %s", (f"https://x/bot{secret}/getMe",), None
    )
    RedactSecrets([secret]).filter(record)
    assert secret not in record.getMessage() and MASK in record.getMessage()
    try:
        raise RuntimeError(f"failed with {secret}")
    except RuntimeError:
        import sys

        failing = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    RedactSecrets([secret]).filter(failing)
    assert secret not in failing.exc_text


def test_env_example_names_and_explains_every_setting():
    text = (ROOT / ".env.example").read_text()
    names = re.findall(r"^([A-Z][A-Z0-9_]+)=", text, re.MULTILINE)
    assert sorted(names) == sorted(name.upper() for name in Settings.model_fields)
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^[A-Z][A-Z0-9_]+=", line):
            above = [prev for prev in lines[:index] if prev.strip()][-1]
            assert above.startswith("#") and not above.startswith("# ---"), f"{line} has no comment of its own"


def test_json_logs_are_one_object_per_line_with_secrets_masked(capsys):
    import json as json_module
    import logging

    from foibot.logs import configure

    settings = Settings(_env_file=None, log_format="json", telegram_bot_token="123456:SECRET-TOKEN-VALUE")
    configure(settings)
    try:
        logging.getLogger("foibot.test").warning("calling https://api/bot123456:SECRET-TOKEN-VALUE/getMe")
        try:
            raise ValueError("boom 123456:SECRET-TOKEN-VALUE")
        except ValueError:
            logging.getLogger("foibot.test").exception("failed")
    finally:
        logging.getLogger().handlers[:] = []
    lines = [json_module.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [entry["level"] for entry in lines] == ["WARNING", "ERROR"]
    assert lines[0]["message"] == "calling https://api/bot***/getMe" and lines[0]["logger"] == "foibot.test"
    assert "SECRET" not in json_module.dumps(lines) and "ValueError" in lines[1]["exception"]
