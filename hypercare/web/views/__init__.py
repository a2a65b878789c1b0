"""Web desk views by area: sign-in, the institution portal, the support workspace."""
