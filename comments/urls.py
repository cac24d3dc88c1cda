from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("article/<slug:slug>/envoyer/", views.comment_post, name="post"),
    path("article/<slug:slug>/ecrire/", views.comment_form, name="form"),
    path("article/<slug:slug>/etat/", views.comment_state, name="state"),
]
