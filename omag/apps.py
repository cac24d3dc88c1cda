from django.apps import AppConfig


class OmagConfig(AppConfig):
    """The project's wiring: security checks and the admin login form."""

    name = "omag"
    verbose_name = "omag"

    def ready(self):
        from django.contrib import admin

        from . import security

        admin.site.login_form = security.ThrottledAdminAuthenticationForm
