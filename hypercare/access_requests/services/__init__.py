"""Access-request use cases: requests.py (record, decide, done), temporary.py (reminders
and removals of temporary access), reviews.py (the periodic review). The daily digest of
pending approvals, access requests among them, is the approvals app's."""
