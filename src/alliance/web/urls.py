"""URLs: sign-in and the clinician's pages."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("alliance.respond.urls")),
    path("", include("alliance.clinic.urls")),
]
