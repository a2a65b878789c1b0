"""The escalation process of seed 003, one function per step, each in its own transaction.

request → a manager is assigned (by rule, or by hand) → action plan and communication
plan → updates at the agreed frequency (a missed one is flagged once) → the level may be
raised → de-escalation once its checklist is complete. Each step is an event on the
ticket's timeline.
"""
