"""The foibot command as a user runs it: a real subprocess."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest


def foibot(*args: str, cwd=None, env=None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "IMAP_", "TELEGRAM_"))}
    environment.update(env or {})
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
        (["--law", "gdpr", "--received", "2020-04-07"], "unknown law 'gdpr'"),
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
    assert "revision 0001" in result.stdout
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
