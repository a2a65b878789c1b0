"""The releases' pages: planning a ticket's fix for a release, from the ticket page."""
