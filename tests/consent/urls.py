"""The site's URLs plus a view that tries to set cookies of every group."""

from django.http import HttpResponse
from django.urls import path

from omag.urls import urlpatterns as site_urlpatterns


def sets_cookies(request):
    response = HttpResponse("ok")
    response.set_cookie("omag_audience", "visiteur")
    response.set_cookie("YSC", "video", domain=".youtube.com")
    response.set_cookie("unlisted", "x")
    response.delete_cookie("vuid", domain=".vimeo.com")
    return response


urlpatterns = [path("test-cookies/", sets_cookies), *site_urlpatterns]
