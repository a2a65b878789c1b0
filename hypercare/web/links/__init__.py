"""Links between tickets on the ticket pages: the links panel, merging, splitting."""
