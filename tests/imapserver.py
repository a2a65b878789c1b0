"""A real Dovecot IMAP server on loopback, with TLS from a certificate made for the test run.

Dovecot comes from Debian's ``dovecot-imapd`` (``.ci/run`` installs it). Each server
runs from its own folder: its configuration, a private CA and server certificate made
with ``trustme``, one mail user in a passwd file, and Maildir storage owned by Debian's
``mail`` user. The client trusts the CA through ``HYPERCARE_MAIL_CA_FILE``, exactly as an
installation with a private CA would.
"""

import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import trustme

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "support"
PASSWORD = "imap-test-passphrase"
MAIL_OWNER = "mail"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class ImapServer:
    """Where the server listens, the CA its certificate is signed by, and its one user."""

    folder: Path
    imaps_port: int
    starttls_port: int
    ca_file: Path
    user: str = USER
    password: str = PASSWORD

    def session(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=str(self.ca_file))
        session = imaplib.IMAP4_SSL("127.0.0.1", self.imaps_port, ssl_context=context)
        session.login(self.user, self.password)
        return session

    def append(self, *messages: bytes, folder: str = "INBOX") -> None:
        """Deliver ``messages`` into ``folder`` as an MTA would (unread)."""
        session = self.session()
        try:
            session.create(_quoted(folder))
            for raw in messages:
                answer = session.append(_quoted(folder), "", None, raw)  # type: ignore[arg-type]
                assert answer[0] == "OK", answer
        finally:
            session.logout()

    def count(self, folder: str = "INBOX", criterion: str = "ALL") -> int:
        session = self.session()
        try:
            session.select(_quoted(folder))
            status, data = session.search(None, criterion)
            assert status == "OK", data
            return len((data[0] or b"").split())
        finally:
            session.logout()


def _quoted(folder: str) -> str:
    """imaplib sends mailbox names as given: one with a space must be quoted."""
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _config(folder: Path, imaps_port: int, starttls_port: int) -> str:
    owner = pwd.getpwnam(MAIL_OWNER)
    return f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{folder}/server.pem
ssl_key = <{folder}/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain
first_valid_uid = {owner.pw_uid}
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={folder}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {starttls_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def _wait_for(port: int, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"Dovecot did not start: {log.read_text() if log.exists() else ''}")


@contextmanager
def dovecot() -> Iterator[ImapServer]:
    """Run a Dovecot instance from a folder of its own until the block ends."""
    if not Path(DOVECOT).exists():
        raise RuntimeError("Dovecot is missing: install it with `apt-get install dovecot-imapd`")
    # Dovecot's own processes run as other users: they may pass through, not list.
    folder = Path(tempfile.mkdtemp(prefix="hypercare-dovecot-"))
    folder.chmod(0o711)
    owner = pwd.getpwnam(MAIL_OWNER)
    ca = trustme.CA()
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server_cert = ca.issue_cert("127.0.0.1", "localhost")
    server_cert.cert_chain_pems[0].write_to_path(str(folder / "server.pem"))
    for pem in server_cert.cert_chain_pems[1:]:
        pem.write_to_path(str(folder / "server.pem"), append=True)
    server_cert.private_key_pem.write_to_path(str(folder / "server.key"))
    (folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    # Dovecot's auth worker runs as its own user; the settings' umask (077) would hide it.
    for readable in ("users", "ca.pem", "server.pem"):
        (folder / readable).chmod(0o644)
    (folder / "mail").mkdir(exist_ok=True)
    os.chown(folder / "mail", owner.pw_uid, owner.pw_gid)
    imaps_port, starttls_port = free_port(), free_port()
    config = folder / "dovecot.conf"
    config.write_text(_config(folder, imaps_port, starttls_port))
    subprocess.run([DOVECOT, "-c", str(config)], check=True, timeout=30)  # noqa: S603
    try:
        _wait_for(imaps_port, folder / "dovecot.log")
        _wait_for(starttls_port, folder / "dovecot.log")
        yield ImapServer(folder, imaps_port, starttls_port, ca_file)
    finally:
        subprocess.run([DOVECOT, "-c", str(config), "stop"], check=False, timeout=30)  # noqa: S603
        shutil.rmtree(folder, ignore_errors=True)
