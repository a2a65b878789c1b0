"""The pages of access requests, the access ledger and the periodic access reviews."""
