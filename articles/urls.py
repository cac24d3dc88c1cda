from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("rubrique/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("auteur/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("sujet/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("article/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("apercu/<str:token>/", views.preview, name="preview"),
]
