from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Data protection: subject access, erasure and retention. Sits above every other app
    (it reads and rewrites all of them), so nothing imports it."""

    name = "privacy"
    verbose_name = "Data protection"
