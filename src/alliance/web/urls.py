"""URLs: the clinic pages arrive with the web app; nothing is served yet."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
