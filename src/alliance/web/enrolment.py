"""The member's own sign-in: the enrolment page (public, the link is the key) where a new
member chooses their password before setting up their second factor, and the page where a
signed-in member changes their password.

Both use Django's forms (`SetPasswordForm`, `PasswordChangeForm`) and so the site's password
validators. The current password at a change is checked through `authenticate`, so that
wrong guesses count towards the sign-in lockout (django-axes) and are in the audit trail
like failed sign-ins.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache

from alliance.audit.trail import record
from alliance.enrol.services import (
    ENROLMENT_LIFETIME,
    EnrolmentError,
    EnrolmentUnusable,
    complete_enrolment,
    open_enrolment,
)
from alliance.web.guesses import guessing_too_much

UNUSABLE = {
    "unknown": (404, "This enrolment link is not known. Check that the whole link was "
                "copied, or ask your organization's admin for a new one."),
    "used": (410, "This enrolment link has been used already. Sign in with the password "
             "chosen with it; if that was not you, tell your organization's admin at once."),
    "expired": (410, f"This enrolment link has expired (links work for "
                f"{int(ENROLMENT_LIFETIME.total_seconds() // 3600)} hours). Ask your "
                "organization's admin for a new one."),
    "revoked": (410, "This enrolment link no longer works: a newer one was made, or the "
                "account was deactivated. Ask your organization's admin."),
}  # fmt: skip
TOO_MANY = "Too many links were tried from this connection. Please wait a few minutes."
# Django's own password check, for signing in after enrolment without typing it again
# (the axes backend wants the sign-in's credentials, which there are none of here).
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


@never_cache
def enrol(request: HttpRequest, token: str) -> HttpResponse:
    try:
        enrolment = open_enrolment(token)
    except EnrolmentUnusable as exc:
        if exc.reason == "unknown" and guessing_too_much(request, "enrolment"):
            return _closed(request, TOO_MANY, 429)
        status, message = UNUSABLE[exc.reason]
        return _closed(request, message, status)
    member = enrolment.user
    form = SetPasswordForm(member, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            member = complete_enrolment(
                enrolment=enrolment, password=form.cleaned_data["new_password1"]
            )
        except EnrolmentUnusable as exc:  # used or withdrawn while the form was open
            status, message = UNUSABLE[exc.reason]
            return _closed(request, message, status)
        except EnrolmentError as exc:
            form.add_error("new_password1", ValidationError(exc.message))
        else:
            # Signed in with the new password (a new session; `member` as saved, whose hash the
            # session keeps), and on to the second factor: no page opens before it is set up.
            login(request, member, backend=PASSWORD_BACKEND)
            return redirect(f"{reverse('two-factor-setup')}?next=/")
    context = {"form": form, "username": member.get_username(),
               "organization": enrolment.organization.name}  # fmt: skip
    # 200 even with errors: Django logs every 4xx answer with its path, and this path holds a
    # link that still works.
    return render(request, "registration/enrol.html", context)


def _closed(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "registration/enrol_closed.html", {"message": message}, status=status)


class CurrentPasswordChangeForm(PasswordChangeForm):
    """Django's form, with the current password checked by `authenticate`: a wrong one is a
    failed sign-in for the lockout and the trail, not an unlimited guess."""

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        checked = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class ChangePassword(PasswordChangeView):
    form_class = CurrentPasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("password-change")

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"request": self.request}

    def form_valid(self, form: Any) -> HttpResponse:
        # Django's view saves the password and keeps this session signed in (with its second
        # factor); every other session of the account ends with the old password.
        response = super().form_valid(form)
        organization = getattr(self.request, "organization", None)
        record("update", self.request.user, object_type="user", fields=["password"],
               organization_id=organization.pk if organization is not None else None,
               detail="password changed by the member")  # fmt: skip
        messages.success(self.request, "Your password is changed.")
        return response


change_password = never_cache(ChangePassword.as_view())
