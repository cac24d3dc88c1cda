from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consentement aux cookies")

    def ready(self):
        # Connects the signals that forget the cached version hash.
        from . import state  # noqa: F401
