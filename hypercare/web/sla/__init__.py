"""The SLA's pages: the ticket page's SLA panel, and how queue rows show a clock."""
