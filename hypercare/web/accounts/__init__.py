"""A person's own profile: their name, their time zone, the mail they want."""
