"""The escalations' pages: the ticket page's escalation panel and each step's form, the
portal's request with its checklist, and the daily review of every open escalation."""
