"""The desk organisation's pages: an agent's own availability."""
