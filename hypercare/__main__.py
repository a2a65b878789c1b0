"""``python -m hypercare``: the console script, for a process that starts another one."""

from hypercare.cli import main

raise SystemExit(main())
