"""Backups of a whole installation and their restore (``hypercare backup``/``restore``).

Not a Django app: it owns no table. An archive is one tar file holding the database in its
vendor's own format, a portable per-table dump that any vendor can load, the attachment
and mail folders, the settings needed to read them and a manifest of checksums.
"""
