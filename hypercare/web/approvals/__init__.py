"""The approvers' page: what waits for their decision, one section per domain."""
