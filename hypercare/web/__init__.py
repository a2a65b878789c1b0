"""The web desk: the institution portal and the support workspace, server-rendered."""
