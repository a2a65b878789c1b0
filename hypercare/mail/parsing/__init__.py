"""Reading a raw message into plain values: pure functions, no database, no clock.

Everything here is bounded (``limits``), so a hostile message cannot make parsing slow or
large; what cannot be read raises ``Unparseable`` with the reason, for the quarantine.
"""

from hypercare.mail.parsing.automatic import LOOP_HEADER
from hypercare.mail.parsing.bodies import first_line_marks_internal, with_images_in_place
from hypercare.mail.parsing.bounces import BounceReport
from hypercare.mail.parsing.headers import (
    Address,
    header_block,
    message_id_of,
    subject_reference,
)
from hypercare.mail.parsing.limits import LIMITS, Limits, TooLarge, Unparseable
from hypercare.mail.parsing.message import ParsedMessage, parse_message
from hypercare.mail.parsing.parts import MailAttachment

__all__ = [
    "LIMITS",
    "LOOP_HEADER",
    "Address",
    "BounceReport",
    "Limits",
    "MailAttachment",
    "ParsedMessage",
    "TooLarge",
    "Unparseable",
    "first_line_marks_internal",
    "header_block",
    "message_id_of",
    "parse_message",
    "subject_reference",
    "with_images_in_place",
]
