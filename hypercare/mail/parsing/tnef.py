"""winmail.dat (TNEF): the attachments and body Outlook wraps for non-Outlook readers.

Unpacked with tnefparse in a child process with its own memory and time limits: the
library trusts the counts a file declares (a property count of four billion makes it
loop, or fill memory), so a hostile winmail.dat must not run inside a worker.
"""

import base64
import binascii
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CHILD = Path(__file__).with_name("tnef_child.py")
SECONDS = 5.0


@dataclass(frozen=True)
class Unpacked:
    body: str
    html: str
    files: tuple[tuple[str, bytes], ...]


def unpack_tnef(data: bytes, seconds: float = SECONDS) -> Unpacked | None:
    """The body and files inside a winmail.dat, or None when it cannot be unpacked (the
    caller then keeps winmail.dat itself as an attachment: nothing is lost)."""
    try:
        done = subprocess.run(  # noqa: S603 (our own script, run by our own interpreter)
            [sys.executable, "-I", str(CHILD)],
            input=data,
            stdout=subprocess.PIPE,
            # A hostile file makes the library log a warning per property it skips.
            stderr=subprocess.DEVNULL,
            timeout=seconds,
            check=True,
        )
        result = json.loads(done.stdout)
        return Unpacked(
            body=str(result["body"]),
            html=str(result["html"]),
            files=tuple(
                (str(item["name"]), base64.b64decode(item["data"]))
                for item in result["attachments"]
            ),
        )
    except (subprocess.SubprocessError, OSError, ValueError, KeyError, TypeError, binascii.Error):
        return None
