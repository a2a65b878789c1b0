"""The workspace pages of problems (seed 001)."""
