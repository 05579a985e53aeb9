from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin with our site (config/admin.py): superusers with a password only."""

    default_site = "config.admin.SuperuserAdminSite"
