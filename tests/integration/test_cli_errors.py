"""Every command, given malformed arguments, answers in one line on stderr with the documented exit code.

README: bad input is exit code 2, a server that cannot be reached exit code 1;
never a traceback, never a multi-line usage block.
"""

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from storage.db import upgrade
from tests.servers.common import free_port, subprocess_env

USAGE, UNREACHABLE = 2, 1
KELVIN_REFERENCE = "FOI-7\u212a3M9Q"

# (arguments, exit code, a phrase the line must hold)
CASES = [
    (["nosuch"], USAGE, "No such command"),
    (["deadline"], USAGE, "Missing option '--law'"),
    (["deadline", "--law", "gdpr", "--received", "2020-04-07"], USAGE, "'gdpr' is not one of"),
    (["deadline", "--law", "foia", "--received", "2020-13-01"], USAGE, "not a real date"),
    (["deadline", "--law", "foia", "--received", "2020-04-07", "--time", "25:61"], USAGE, "--time"),
    (["deadline", "--law", "foia", "--bogus"], USAGE, "No such option"),
    (["db", "upgrade", "extra"], USAGE, "unexpected extra argument"),
    (["db", "nosuch"], USAGE, "No such command"),
    (["request", "new"], USAGE, "Missing option"),
    (
        [
            "request",
            "new",
            "--authority",
            "A",
            "--email",
            "foi@gov.uk",
            "--title",
            "T",
            "--name",
            "N",
            "--questions",
            "-",
        ],
        USAGE,
        "public suffix",
    ),  # fmt: skip
    (
        [
            "request",
            "new",
            "--authority",
            "A",
            "--email",
            "not-an-address",
            "--title",
            "T",
            "--name",
            "N",
            "--questions",
            "-",
        ],
        USAGE,
        "not a valid email address",
    ),  # fmt: skip
    (
        [
            "request",
            "new",
            "--authority",
            "A",
            "--email",
            "a@b.org",
            "--title",
            "T",
            "--name",
            "N",
            "--questions",
            "-",
            "--law",
            "xyz",
        ],
        USAGE,
        "'xyz' is not one of",
    ),  # fmt: skip
    (["outbox", "--limit", "0"], USAGE, "--limit"),
    (["outbox", "--limit", "many"], USAGE, "--limit"),
    (["send-queued", "--limit", "-3"], USAGE, "--limit"),
    (["authorities", "import"], USAGE, "Missing argument"),
    (["authorities", "import", "/nonexistent/bodies.csv"], USAGE, "cannot read it"),
    (["authorities", "search"], USAGE, "Missing argument"),
    (["parse", "/nonexistent.eml"], USAGE, "cannot read it"),
    (["analyse", "/nonexistent.eml"], USAGE, "cannot read it"),
    (["ingest"], USAGE, "Missing argument"),
    (["ingest", "/nonexistent.eml"], USAGE, "cannot read it"),
    (["held", "assign", "99999999999999999999999", "FOI-7K3M9Q"], USAGE, "Invalid value for 'message'"),
    (["held", "assign", "abc", "FOI-7K3M9Q"], USAGE, "Invalid value"),
    (["held", "assign", "1", KELVIN_REFERENCE], USAGE, "not one of our references"),
    (["held", "assign", "1"], USAGE, "Missing argument"),
    (["timeline", "NOT-A-REF"], USAGE, "not one of our references"),
    (["timeline", KELVIN_REFERENCE], USAGE, "not one of our references"),
    (["timeline"], USAGE, "Missing argument"),
    (["run", "--only", "everything"], USAGE, "'everything' is not one of 'bot', 'watch', 'process', 'send'"),
    (["users", "ban", "abc"], USAGE, "Invalid value"),
    (["users", "ban", "0"], USAGE, "Invalid value"),
    (["users", "unban"], USAGE, "Missing argument"),
    (["users", "ban", "424242"], USAGE, "no user with Telegram id 424242"),
    (["fetch", "--bogus"], USAGE, "No such option"),
    (["sweep", "extra"], USAGE, "unexpected extra argument"),
]


def run(args, env=None, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "foibot", *args],
        capture_output=True,
        text=True,
        env=subprocess_env(**(env or {})),
        input=stdin,
        timeout=60,
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "foibot.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    return {"DATABASE_URL": url, "MAIL_ADDRESS": "foibot@example.org"}


@pytest.mark.parametrize(("args", "code", "phrase"), CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_malformed_arguments_are_one_line_and_the_documented_code(migrated, args, code, phrase):
    result = run(args, env=migrated, stdin="1. What?\n")
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("foibot: ") and phrase in lines[0], lines[0]
    assert "Traceback" not in result.stderr


def test_help_and_version():
    assert run(["-h"]).returncode == 0 and "Usage" in run(["-h"]).stdout
    assert "foia|eir|foisa|eisr" in " ".join(run(["deadline", "-h"]).stdout.split()).replace(" ", "")
    assert "bot|watch|process|send" in run(["run", "--help"]).stdout.replace(" ", "")
    version = run(["--version"])
    assert version.returncode == 0 and version.stdout.startswith("foibot ")


def test_an_unreachable_imap_server_is_exit_code_1_in_one_line(migrated):
    env = migrated | {"IMAP_HOST": "127.0.0.1", "IMAP_PORT": str(free_port()), "IMAP_SECURITY": "plain",
                      "IMAP_USERNAME": "bot", "IMAP_PASSWORD": "secret", "IMAP_TIMEOUT": "3"}  # fmt: skip
    result = run(["fetch"], env=env)
    assert result.returncode == UNREACHABLE
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot reach IMAP server" in result.stderr


def test_an_unreachable_database_is_exit_code_1_in_one_line():
    result = run(["outbox"], env={"DATABASE_URL": f"postgresql://foibot@127.0.0.1:{free_port()}/nothing"})
    assert result.returncode == UNREACHABLE, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot open the database" in result.stderr


class _Unauthorized(BaseHTTPRequestHandler):
    """Answers as Telegram's cloud does for a token it does not know."""

    def do_POST(self):  # noqa: N802
        body = json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_bad_token_or_an_unreachable_bot_api_is_one_line(migrated):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unauthorized)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    quiet = migrated | {"LOG_LEVEL": "WARNING"}
    try:
        env = quiet | {
            "TELEGRAM_BOT_TOKEN": "999:WRONG",
            "TELEGRAM_BASE_URL": f"http://127.0.0.1:{server.server_port}/bot",
        }
        refused = run(["run", "--only", "bot"], env=env)
    finally:
        server.shutdown()
    assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "refused TELEGRAM_BOT_TOKEN" in refused.stderr
    env = quiet | {"TELEGRAM_BOT_TOKEN": "1:X", "TELEGRAM_BASE_URL": f"http://127.0.0.1:{free_port()}/bot"}
    unreachable = run(["run", "--only", "bot"], env=env)
    assert unreachable.returncode == 1 and len(unreachable.stderr.strip().splitlines()) == 1, unreachable.stderr
    assert "cannot reach the Bot API" in unreachable.stderr
