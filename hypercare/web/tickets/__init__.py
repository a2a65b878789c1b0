"""The tickets' pages: the portal's report flow and ticket page, the workspace's queues,
ticket page, saved replies and bulk changes, and serving a ticket's files."""
