"""Write use cases for tickets, one function each, each in its own transaction."""
