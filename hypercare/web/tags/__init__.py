"""The pages of tags: the panel on a ticket, the list of tags and their upkeep."""
