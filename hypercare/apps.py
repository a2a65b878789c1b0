"""The Django admin's app, with Hypercare's admin site (``admin_site.py``) as its default."""

from django.contrib.admin.apps import AdminConfig


class HypercareAdminConfig(AdminConfig):
    default_site = "hypercare.admin_site.HypercareAdminSite"
