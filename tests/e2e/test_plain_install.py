"""`pip install .` alone runs every command: runtime dependencies are runtime dependencies."""

import subprocess
import sys
from pathlib import Path

from storage.db import upgrade
from tests.servers.common import subprocess_env

ROOT = Path(__file__).resolve().parents[2]


def test_a_plain_install_without_test_tools_runs_the_sweep_and_the_complaint_pack(tmp_path, server):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr[-2000:]
    assert subprocess.run([str(python), "-c", "import pytest"], capture_output=True).returncode != 0
    url = f"sqlite:///{tmp_path / 'foibot.sqlite3'}"
    upgrade(url)
    env = subprocess_env(DATABASE_URL=url, TELEGRAM_BOT_TOKEN=server.token, TELEGRAM_BASE_URL=server.base_url,
                         MAIL_ADDRESS="foibot@example.org")  # fmt: skip
    sweep = subprocess.run([str(venv / "bin" / "foibot"), "sweep"], env=env, capture_output=True, text=True,
                           cwd=tmp_path, timeout=120)  # fmt: skip
    assert sweep.returncode == 0, sweep.stderr
    assert "sent 0 prompts and 0 reply notices" in sweep.stdout
    pack = subprocess.run([str(python), "-c", "import service.complaint_pack, mail.sandbox, service.limits"],
                          capture_output=True, text=True)  # fmt: skip
    assert pack.returncode == 0, pack.stderr
