"""URLs: sign-in and the clinician's pages."""

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

from alliance.web import enrolment, signin, two_factor


def health(request: HttpRequest) -> HttpResponse:
    """For a load balancer or a monitor: the process answers (no database, no data)."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns: list[URLPattern | URLResolver] = [
    path("health/", health, name="health"),
    # Returns only to a page that answers GET (see signin.py): never a 405 after signing in.
    path("login/", signin.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("2fa/setup/", two_factor.two_factor_setup, name="two-factor-setup"),
    path("2fa/", two_factor.two_factor_verify, name="two-factor-verify"),
    # A new member chooses their own password here (the link is the key), then the 2FA set-up.
    path("enrol/<str:token>/", enrolment.enrol, name="enrol"),
    path("account/password/", enrolment.change_password, name="password-change"),
    path("", include("alliance.respond.urls")),
    path("", include("alliance.safety.urls")),
    path("", include("alliance.notify.urls")),
    path("", include("alliance.progress.urls")),
    path("", include("alliance.audit.urls")),
    path("", include("alliance.clinic.urls")),
]
