"""The deployment artefacts, checked as far as this machine allows.

The Dockerfile's entrypoint is run as a process (migrations, then the command
it execs) and answers /healthz; the compose file is parsed; the systemd unit
is verified by systemd-analyze where it exists.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.servers.common import subprocess_env
from tests.servers.web import free_port

ROOT = Path(__file__).resolve().parents[2]


def dockerfile() -> dict[str, list[str] | str]:
    found: dict[str, list[str] | str] = {}
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        word, _, rest = line.partition(" ")
        if word in ("ENTRYPOINT", "CMD"):
            found[word] = json.loads(rest)
        elif word in ("USER", "FROM"):
            found[word] = rest.strip()
    return found


def test_the_image_runs_as_a_user_and_its_entrypoint_migrates_then_serves(tmp_path):
    spec = dockerfile()
    assert spec["USER"] not in ("root", "0") and spec["FROM"].startswith("python:3.11")
    port = free_port()
    env = subprocess_env(DATA_DIR=str(tmp_path), WEB_PORT=str(port), MAIL_ADDRESS="foibot@example.org",
                         LOG_FORMAT="json", LOG_LEVEL="INFO")  # fmt: skip
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # where the image puts foibot
    command = [*spec["ENTRYPOINT"], *spec["CMD"], "--only", "web"]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 40
        while True:
            try:
                health = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read())
                break
            except OSError:
                assert process.poll() is None, process.communicate()[0].decode()
                assert time.monotonic() < deadline, "the entrypoint never served /healthz"
                time.sleep(0.2)
        assert health["database"] == "ok"  # migrated by the entrypoint, SQLite under DATA_DIR
        assert (tmp_path / "foibot.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    logged = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any("web dashboard on" in entry["message"] for entry in logged), output


def test_the_compose_file_runs_foibot_against_postgresql_with_volumes():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    db, app = compose["services"]["db"], compose["services"]["foibot"]
    assert db["image"].startswith("postgres:") and "pgdata:/var/lib/postgresql/data" in db["volumes"]
    assert app["environment"]["DATABASE_URL"].startswith("postgresql://foibot:")
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert set(compose["volumes"]) == {"pgdata", "foibot-data"}
    assert app["ports"] == ["127.0.0.1:8080:8080"]  # the dashboard only behind the host's proxy


def test_the_systemd_unit_verifies(tmp_path):
    unit = (ROOT / "deploy" / "foibot.service").read_text()
    assert "ExecStartPre=/opt/foibot/bin/foibot db upgrade" in unit and "NoNewPrivileges=true" in unit
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed; the unit's settings were checked as text")
    # The same unit with its program where this machine has it, run as an existing user.
    local = unit.replace("/opt/foibot/bin/foibot", shlex.quote(str(Path(sys.executable).parent / "foibot")))
    local = local.replace("User=foibot", "User=root").replace("Group=foibot", "Group=root")
    path = tmp_path / "foibot.service"
    path.write_text(local)
    checked = subprocess.run([analyze, "verify", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
