"""What stops a backup or a restore, each with a message that names the problem."""


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why."""


class CorruptArchive(BackupError):
    """The archive is damaged, altered or not a Hypercare backup: nothing was touched."""


class TargetNotEmpty(BackupError):
    """The installation to restore into holds data; ``--force`` replaces it."""
