"""The major incident pages of the workspace, and its banner and ticket panel."""
