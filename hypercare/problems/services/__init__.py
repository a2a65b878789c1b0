"""Problem use cases: records.py (record, describe, move, link tickets), workaround.py
(publish it to the linked requesters), fix.py (plan it for a release, ship it)."""
