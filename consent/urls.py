from django.urls import path

from . import views

app_name = "consent"

urlpatterns = [
    path("cookies/", views.cookie_settings, name="settings"),
    path("cookies/panneau/", views.cookie_panel, name="panel"),
    path("cookies/etat/", views.consent_status, name="status"),
    path("cookies/choix/", views.consent_save, name="save"),
    path("cookies/audience/", views.audience_hit, name="audience"),
]
