"""Unpacks one winmail.dat read on stdin, in a process of its own (see ``tnef.py``).

Run as a script, not imported: it must not load Django or the rest of Hypercare. Prints
JSON: the body, the HTML body and each attachment's name and base64 data.
"""

import base64
import json
import logging
import resource
import sys

MEMORY_LIMIT = 512 * 2**20


def main() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    # The library logs each property it skips: millions, for a hostile file.
    logging.disable(logging.CRITICAL)
    # Imported once the limit is in force: the library is what the limit is for.
    from tnefparse.tnef import TNEF

    unpacked = TNEF(sys.stdin.buffer.read(), do_checksum=False)
    json.dump(
        {
            "body": _text(unpacked.body),
            "html": _text(unpacked.htmlbody),
            "attachments": [
                {
                    "name": str(attachment.long_filename() or ""),
                    "data": base64.b64encode(bytes(attachment.data or b"")).decode("ascii"),
                }
                for attachment in unpacked.attachments
            ],
        },
        sys.stdout,
    )


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("cp1252", "replace").rstrip("\x00")
    return str(value or "").rstrip("\x00")


if __name__ == "__main__":
    main()
