"""Django's display formats for the desk's language (settings.FORMAT_MODULE_PATH), so a
datetime a template prints as it is (the admin's lists, an edited notification template)
reads in the desk's one format too."""
