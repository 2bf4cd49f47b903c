"""The foibot command as a user runs it: a real subprocess."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from storage.db import alembic_config
from tests.servers.common import subprocess_env

HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def foibot(*args: str, cwd=None, env=None) -> subprocess.CompletedProcess[str]:
    environment = subprocess_env(**(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "foibot", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=60,
    )


def test_deadline_json_for_the_seed_request():
    result = foibot("deadline", "--law", "foia", "--received", "2020-04-07", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "law": "foia",
        "received": "2020-04-07",
        "day_one": "2020-04-08",
        "reply_due": "2020-05-07",
        "reply_due_lenient": "2020-05-07",
        "very_overdue": "2020-06-08",
    }


def test_deadline_json_for_foisa_adds_the_review_of_a_missing_reply():
    result = foibot("deadline", "--law", "FOISA", "--received", "2024-06-01", "--time", "10:00", "--json")
    data = json.loads(result.stdout)
    assert set(data) == {
        "law",
        "received",
        "day_one",
        "reply_due",
        "reply_due_lenient",
        "very_overdue",
        "review_request_by_if_no_reply",
    }
    assert data["reply_due_lenient"] > data["reply_due"]  # received on a Saturday


@pytest.mark.parametrize(
    ("flag", "keys"),
    [
        ("--responded", {"review_request_by"}),
        ("--review-requested", {"review_reply_due", "review_reply_due_max"}),
        ("--review-decided", {"complaint_by"}),
        ("--decision-notice-sent", {"tribunal_appeal_by"}),
    ],
)
def test_each_event_flag_adds_its_own_dates(flag, keys):
    alone = json.loads(foibot("deadline", "--law", "eir", flag, "2024-06-04", "--json").stdout)
    assert set(alone) == {"law"} | keys
    with_receipt = json.loads(
        foibot("deadline", "--law", "eir", "--received", "2024-05-01", flag, "2024-06-04", "--json").stdout
    )
    assert keys < set(with_receipt)
    assert "reply_due" in with_receipt


def test_complaint_window_differs_between_ico_and_sic():
    ico = json.loads(foibot("deadline", "--law", "foia", "--review-decided", "2024-06-04", "--json").stdout)
    sic = json.loads(foibot("deadline", "--law", "foisa", "--review-decided", "2024-06-04", "--json").stdout)
    assert ico["complaint_by"] == "2024-07-16"
    assert sic["complaint_by"] == "2024-12-04"


def test_deadline_table_names_each_date_its_rule_and_the_skipped_holidays():
    result = foibot("deadline", "--law", "foia", "--received", "2020-04-07")
    assert result.returncode == 0
    out = result.stdout
    assert "reply_due " in out and "Thu 07 May 2020" in out
    assert "FOIA s.10(1)" in out
    assert "Good Friday" in out and "Easter Monday" in out and "Fri 08 May 2020" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--law", "gdpr", "--received", "2020-04-07"], "'gdpr' is not one of 'foia', 'eir', 'foisa', 'eisr'"),
        (["--law", "foia", "--received", "2021-02-29"], "--received '2021-02-29' is not a real date"),
        (["--law", "foia", "--received", "2020-04-07", "--time", "25:00"], "--time '25:00'"),
        (["--law", "foia", "--responded", "2020-05-01", "--review-decided", "2020-06-01"], "one event at a time"),
        (["--law", "foia"], "give --received"),
        (["--law", "foia", "--received", "2020-04-07", "--responded", "2020-04-01"], "before receipt"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_code_2(args, needle):
    result = foibot("deadline", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_db_upgrade_creates_the_embedded_database_under_data_dir(tmp_path):
    data = tmp_path / "data"
    result = foibot("db", "upgrade", cwd=tmp_path, env={"DATA_DIR": str(data), "DATABASE_URL": ""})
    assert result.returncode == 0, result.stderr
    assert f"revision {HEAD}" in result.stdout
    tables = {row[0] for row in sqlite3.connect(data / "foibot.sqlite3").execute("select name from sqlite_master")}
    assert {"requests", "messages", "outbox", "mailbox_sync"} <= tables
    again = foibot("db", "upgrade", cwd=tmp_path, env={"DATA_DIR": str(data), "DATABASE_URL": ""})
    assert again.returncode == 0


def test_a_malformed_setting_stops_the_command_with_its_name(tmp_path):
    result = foibot("db", "upgrade", cwd=tmp_path, env={"DATA_DIR": str(tmp_path), "SMTP_PORT": "seventy"})
    assert result.returncode == 2
    assert "SMTP_PORT" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_db_upgrade_reads_settings_from_dotenv_in_the_working_directory(tmp_path):
    (tmp_path / ".env").write_text(f"DATA_DIR={tmp_path / 'from-dotenv'}\n")
    result = foibot("db", "upgrade", cwd=tmp_path, env={"DATABASE_URL": ""})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from-dotenv" / "foibot.sqlite3").exists()


QUESTIONS_FILE = """1. Policies in place to enable remote working since 1 January 2020
2. Number of new devices purchased:
   a) Laptops
   b) Tablet computers
"""


def test_request_new_then_send_queued_then_outbox(tmp_path, smtp_server):
    questions = tmp_path / "questions.txt"
    questions.write_text(QUESTIONS_FILE)
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_server.port),
        "SMTP_SECURITY": "plain",
        "MAIL_ADDRESS": "foibot@example.org",
        "MAIL_SUBADDRESS_SEPARATOR": "+",
    }
    assert foibot("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    created = foibot(
        "request", "new",
        "--authority", "London Borough of Barnet",
        "--email", "foi@barnet.gov.uk",
        "--title", "Remote working",
        "--name", "Ada Lovelace",
        "--questions", str(questions),
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    reference = created.stdout.split()[0]
    assert reference.startswith("FOI-")

    listed = foibot("outbox", cwd=tmp_path, env=env)
    assert "queued" in listed.stdout and "foi@barnet.gov.uk" in listed.stdout

    sent = foibot("send-queued", cwd=tmp_path, env=env)
    assert sent.stdout.strip() == "sent 1, to retry 0, failed 0"
    [delivery] = smtp_server.deliveries
    assert f"[{reference}]" in delivery.message["Subject"]
    assert "   a) Laptops\n   b) Tablet computers" in delivery.text

    listed = foibot("outbox", cwd=tmp_path, env=env)
    assert " sent " in listed.stdout and "attempts 1" in listed.stdout


def test_outbox_shows_why_a_message_failed(tmp_path, smtp_server):
    smtp_server.handler.replies = ["550 5.7.1 Relaying denied"]
    questions = tmp_path / "q.txt"
    questions.write_text("1. Everything about parking fines in 2023\n")
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_server.port),
        "SMTP_SECURITY": "plain",
        "MAIL_ADDRESS": "foibot@example.org",
    }
    foibot("db", "upgrade", cwd=tmp_path, env=env)
    foibot("request", "new", "--authority", "Council", "--email", "foi@council.gov.uk", "--title", "Fines",
           "--name", "Ada Lovelace", "--questions", str(questions), cwd=tmp_path, env=env)  # fmt: skip
    result = foibot("send-queued", cwd=tmp_path, env=env)
    assert "failed 1" in result.stdout
    listed = foibot("outbox", cwd=tmp_path, env=env).stdout
    assert "failed" in listed and "reason: 550 5.7.1 Relaying denied" in listed


def test_send_queued_names_every_missing_setting(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    foibot("db", "upgrade", cwd=tmp_path, env=env)
    result = foibot("send-queued", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "SMTP_HOST" in result.stderr and ".env.example" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_commands_on_an_unmigrated_database_say_to_upgrade(tmp_path):
    result = foibot("outbox", cwd=tmp_path, env={"DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}"})
    assert result.returncode == 2
    assert "foibot db upgrade" in result.stderr


def test_request_new_refuses_a_bad_address_and_empty_questions(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    bad = foibot("request", "new", "--authority", "A", "--email", "not-an-email", "--title", "T", "--name", "N",
                 "--questions", str(empty), cwd=tmp_path)  # fmt: skip
    assert bad.returncode == 2 and "not a valid email address" in bad.stderr
    none = foibot("request", "new", "--authority", "A", "--email", "foi@a.gov.uk", "--title", "T", "--name", "N",
                  "--questions", str(empty), cwd=tmp_path)  # fmt: skip
    assert none.returncode == 2 and "no questions found" in none.stderr
    missing = foibot("request", "new", "--authority", "A", "--email", "foi@a.gov.uk", "--title", "T", "--name", "N",
                     "--questions", str(tmp_path / "nope.txt"), cwd=tmp_path)  # fmt: skip
    assert missing.returncode == 2 and "cannot read it" in missing.stderr


def write_fixture(tmp_path, name, raw=None):
    from tests.mail_fixtures import FIXTURES

    path = tmp_path / f"{name}.eml"
    path.write_bytes(raw if raw is not None else FIXTURES[name]())
    return path


def test_parse_json_prints_what_the_parser_sees(tmp_path):
    path = write_fixture(tmp_path, "apple_mail_nested_alternative")
    result = foibot("parse", str(path), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"subject", "from", "date", "text", "attachments", "label", "our_refs", "authority_refs"} <= set(data)
    assert data["subject"] == "Decision"
    assert data["text"] == "Please find the decision attached."
    assert [a["filename"] for a in data["attachments"]] == ["2024-040 Decision.pdf", "Review Rights.pdf"]
    assert data["attachments"][0]["content_type"] == "application/pdf"
    assert data["attachments"][0]["text_chars"] > 10
    assert data["label"] is None


def test_parse_labels_a_bounce_and_finds_references(tmp_path):
    from foi.references import new_reference
    from tests.mail_fixtures import FIXTURES, with_reference

    reference = new_reference()
    path = write_fixture(tmp_path, "exim_bounce", with_reference(FIXTURES["exim_bounce"](), reference))
    data = json.loads(foibot("parse", str(path), "--json", cwd=tmp_path).stdout)
    assert data["label"] == "bounce"
    assert data["our_refs"] == [reference]
    plain = write_fixture(tmp_path, "plain_reply")
    assert json.loads(foibot("parse", str(plain), "--json", cwd=tmp_path).stdout)["authority_refs"] == ["6234788"]


def test_parse_of_a_malformed_email_is_not_an_error(tmp_path):
    path = write_fixture(tmp_path, "garbage")
    result = foibot("parse", str(path), "--json", cwd=tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout)["subject"] == ""


def test_parse_of_an_unreadable_file_is_one_line_and_exit_2(tmp_path):
    result = foibot("parse", str(tmp_path / "missing.eml"), cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot read it" in result.stderr


def test_ingest_then_held_then_assign(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "MAIL_ADDRESS": "foibot@example.org"}
    foibot("db", "upgrade", cwd=tmp_path, env=env)
    questions = tmp_path / "q.txt"
    questions.write_text("1. Number of parking fines issued in 2023\n")
    created = foibot("request", "new", "--authority", "Council", "--email", "foi@council.gov.uk", "--title", "Fines",
                     "--name", "Ada Lovelace", "--questions", str(questions), cwd=tmp_path, env=env)  # fmt: skip
    reference = created.stdout.split()[0]

    path = write_fixture(tmp_path, "webshield_bounce")
    first = foibot("ingest", str(path), cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert "holding pen" in first.stdout and "label bounce" in first.stdout
    again = foibot("ingest", str(path), cwd=tmp_path, env=env)
    assert "already stored" in again.stdout

    held = foibot("held", cwd=tmp_path, env=env)
    assert "Returned Mail: Error During Delivery" in held.stdout
    message_number = held.stdout.split()[0]

    assigned = foibot("held", "assign", message_number, reference.lower(), cwd=tmp_path, env=env)
    assert assigned.returncode == 0, assigned.stderr
    assert f"attached to {reference}" in assigned.stdout
    assert "empty" in foibot("held", cwd=tmp_path, env=env).stdout

    wrong = foibot("held", "assign", message_number, "FOI-AAAAAA", cwd=tmp_path, env=env)
    assert wrong.returncode == 2


SEED_LETTER = Path(__file__).resolve().parents[3] / "shared" / "seed" / "barnet-foi-response-2020.txt"


@pytest.mark.skipif(not SEED_LETTER.exists(), reason="the shared seed letter is not beside the project")
def test_analyse_the_seed_letter_as_json(tmp_path):
    parts = tmp_path / "parts.txt"
    parts.write_text(
        "1. policies for remote working\n2. new devices purchased:\n   a) laptops\n   b) tablet computers\n"
        "   c) mobile phones\n3. remote working software/licences:\n   a) Zoom accounts created\n"
        "   b) new Office 365 accounts purchased\n"
    )
    result = foibot("analyse", str(SEED_LETTER), "--parts", str(parts), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "6234788" in data["authority_refs"]
    assert data["letter_date"] == "2020-04-09" and data["received_date"] == "2020-04-07"
    assert data["review_window"] == {"working_days": 40}
    assert data["review_address"] == "foi@barnet.gov.uk" and data["regulator"] == "ICO"
    assert data["kind"] in ("partial", "information_provided")
    status = {c["part"]: c["status"] for c in data["coverage"]}
    assert status["2c"] == "not_addressed" and status["3b"] != "answered"


def test_analyse_an_eml_reply(tmp_path):
    from tests.mail_fixtures import crlf

    path = tmp_path / "refusal.eml"
    path.write_bytes(
        crlf("""
            From: FOI Team <foi@council.gov.uk>
            To: foibot@example.org
            Subject: Your request - Our ref: 7788
            Date: Mon, 10 Jun 2024 10:00:00 +0100

            We estimate that answering your request would exceed the appropriate limit under section 12,
            and we are therefore refusing it.
            """)
    )
    data = json.loads(foibot("analyse", str(path), "--json", cwd=tmp_path).stdout)
    assert data["kind"] == "refusal"
    assert data["exemptions"] == ["s.12"]
    assert data["authority_refs"] == ["7788"]
    assert data["letter_date"] == "2024-06-10"  # from the Date header
    text = foibot("analyse", str(path), cwd=tmp_path).stdout
    assert "Kind: refusal" in text and "because:" in text


def test_analyse_with_an_empty_parts_file_is_an_error(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text("Thank you.")
    parts = tmp_path / "parts.txt"
    parts.write_text("\n")
    result = foibot("analyse", str(letter), "--parts", str(parts), cwd=tmp_path)
    assert result.returncode == 2 and "no questions" in result.stderr
