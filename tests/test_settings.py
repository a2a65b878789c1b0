"""What settings do to the process: files under the data directory are private."""

import os
import stat
import subprocess
import sys
from pathlib import Path

HYPERCARE = Path(sys.executable).with_name("hypercare")
# An attachment, a mail in the file spool and the database, made as an operator would.
WRITE_FILES = """
from django.core.mail import send_mail
from tests import factories
from tests.web.conftest import png_file
from hypercare.tickets.services.attachments import add_attachment
requester = factories.requester(factories.institution())
ticket = factories.ticket(requester)
add_attachment(ticket=ticket, actor=requester, name="screen.png", content=png_file())
send_mail("Private", "Only for the desk.", None, ["riya@example.edu"])
"""


def _as_operator(data_dir: Path, *args: str) -> None:
    """``hypercare ARGS`` from a shell with the usual umask 022, which lets others read."""
    env = {**os.environ, "HYPERCARE_DATA_DIR": str(data_dir)}
    for name in ("DATABASE_URL", "EMAIL_BACKEND", "SECRET_KEY"):
        env.pop(name, None)
    subprocess.run(  # noqa: S603 (our own console script)
        ["/bin/sh", "-c", 'umask 022 && exec "$0" "$@"', str(HYPERCARE), *args],
        env=env,
        check=True,
    )


def test_files_under_the_data_directory_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _as_operator(data_dir, "manage", "migrate", "--verbosity", "0")
    _as_operator(data_dir, "manage", "shell", "--command", WRITE_FILES)

    made = {path.relative_to(data_dir).parts[0] for path in data_dir.rglob("*")}
    assert {"hypercare.sqlite3", "attachments", "mail", "secret_key"} <= made
    shared = {
        str(path): stat.filemode(path.stat().st_mode)
        for path in [data_dir, *data_dir.rglob("*")]
        if path.stat().st_mode & 0o077
    }
    assert shared == {}
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
