"""A private PostgreSQL cluster on 127.0.0.1 for the test session.

As root, the cluster runs as the ``postgres`` user (initdb refuses root), as
TESTING.md describes. ``FOIBOT_TEST_POSTGRES_URL`` points the suite at an
existing server instead.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.servers.common import free_port, is_root, shared_tmp_dir


def find_bindir() -> Path | None:
    """Return the directory holding initdb and pg_ctl, or None."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


@dataclass
class PostgresCluster:
    bindir: Path
    root: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if is_root():
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        data = self.root / "data"
        if is_root():
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> PostgresCluster | str:
    """Start a cluster and return it, or return why it cannot be started."""
    bindir = find_bindir()
    if bindir is None:
        return "PostgreSQL server binaries (initdb) not found"
    cluster = PostgresCluster(bindir, shared_tmp_dir("foibot-pg-"), free_port())
    try:
        cluster.start()
    except subprocess.CalledProcessError as exc:
        log = cluster.root / "log"
        detail = log.read_text() if log.exists() else exc.stderr.decode(errors="replace")
        shutil.rmtree(cluster.root, ignore_errors=True)
        return f"PostgreSQL did not start: {detail.strip()[-500:]}"
    return cluster


def external_url() -> str | None:
    return os.environ.get("FOIBOT_TEST_POSTGRES_URL")
