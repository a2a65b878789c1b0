"""The approval owner's page: what waits for their decision, one section per domain."""
