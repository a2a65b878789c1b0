"""Email in and out: mailboxes polled over IMAP or fed by an MTA's pipe, every message
stored raw first, parsed by pure functions, then turned into a ticket, a reply, a
recorded automatic message or a quarantined item."""
