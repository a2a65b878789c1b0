"""The releases' pages: the workspace's releases and release page (plan, notes, ship), the
portal's release notes, and planning a ticket's fix from the ticket page."""
