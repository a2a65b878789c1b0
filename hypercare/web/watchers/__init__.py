"""The watchers panel of the ticket pages, and the @mention suggestions of a note."""
