"""Demo data for trying Hypercare out: ``hypercare demo``.

A plain package, not a Django app: the content (``cast``, ``texts``) is data, and the
loader (``loader``, ``history``) writes it through the same services the web, API and
email adapters use, so the demo exercises the real rules.
"""
