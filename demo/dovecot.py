"""A private Dovecot IMAP server on 127.0.0.1 (shared/TESTING.md has the recipe).

Never the system service: the config, state, logs and mail all live in one
directory under /tmp. As root, mail processes run as ``nobody``, which must be
able to traverse that directory and own the home directories.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from demo.net import free_port, is_root, shared_tmp_dir

USER, PASSWORD = "bot", "secret"


def find_dovecot() -> str | None:
    return shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)


class Dovecot:
    def __init__(self, binary: str, root: Path | None = None, port: int | None = None) -> None:
        self.binary = binary
        self.root = root or shared_tmp_dir("foibot-dovecot-")
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        if is_root():
            account = pwd.getpwnam("nobody")
            self.uid, self.gid = account.pw_uid, account.pw_gid
            self.user, self.group = "nobody", grp.getgrgid(account.pw_gid).gr_name
        else:
            self.uid, self.gid = os.getuid(), os.getgid()
            self.user, self.group = pwd.getpwuid(self.uid).pw_name, grp.getgrgid(self.gid).gr_name
        self._write_config()

    @property
    def home(self) -> Path:
        return self.root / "home" / USER

    def _write_config(self) -> None:
        for sub in ("run", "state", "home"):
            (self.root / sub).mkdir(exist_ok=True)
        self.home.mkdir(parents=True, exist_ok=True)
        if is_root():
            os.chown(self.root / "home", self.uid, self.gid)
            os.chown(self.home, self.uid, self.gid)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        (self.root / "dovecot.conf").write_text(
            f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/log
info_log_path = {self.root}/log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {self.user}
default_internal_group = {self.group}
default_login_user = {self.user}
first_valid_uid = {self.uid}
last_valid_uid = {self.uid}
first_valid_gid = {self.gid}
mail_location = maildir:~/Maildir
mail_fsync = never
namespace inbox {{
  inbox = yes
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/passwd
}}
userdb {{
  driver = static
  args = uid={self.uid} gid={self.gid} home={self.root}/home/%u
}}
"""
        )

    def start(self, timeout: float = 10.0) -> Dovecot:
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, so stop() can end every child
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"dovecot exited: {self.process.stderr.read().decode() if self.process.stderr else ''}{self.log()}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"dovecot did not greet within {timeout}s: {self.log()}")

    def stop(self) -> None:
        """Stop the server and every process it started (imap sessions outlive a SIGTERM'd master)."""
        if self.process is None:
            return
        group = os.getpgid(self.process.pid)
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        path = self.root / "log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
