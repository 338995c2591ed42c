"""An admin adds a member without ever seeing or setting their password: the account has
none until the member chooses it with their enrolment link. And adding a member tells the
admin nothing about the usernames of other organizations: usernames are the organization's
own ("name@slug"), so the answer is the same whether or not the name is used elsewhere."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.audit.models import AuditEvent
from alliance.enrol.models import Enrolment

from ..cast import PASSWORD, member, signed_in

pytestmark = pytest.mark.django_db

ADMIN_PASSWORD = "the admin's idea of a pass phrase"


def add(admin: User, username: str, **more: str) -> Any:
    return signed_in(admin).post("/members/", {"username": username, "role": "clinician"} | more)


def test_the_admin_never_sees_or_sets_a_password(admin: User) -> None:
    browser = signed_in(admin)
    members_page = browser.get("/members/").content.decode()
    assert 'type="password"' not in members_page and "Add a member" in members_page
    # A password posted anyway (an old form, a crafted post) is ignored.
    shown = add(admin, "newcomer", password=ADMIN_PASSWORD).content.decode()
    newcomer = get_user_model().objects.get(username="newcomer@org")
    assert not newcomer.has_usable_password() and not newcomer.check_password(ADMIN_PASSWORD)
    assert "choose their own password" in shown and 'type="password"' not in shown
    assert len(re.findall(r"/enrol/[A-Za-z0-9_\-]{40,}/", shown)) == 1  # the link, once
    # The link is not shown again: the members page says only until when it works.
    again = browser.get("/members/").content.decode()
    assert "/enrol/" not in again and "enrolment link open until" in again
    created = AuditEvent.objects.get(action="create", object_type="user")
    assert created.username == "admin1" and created.fields == ["role", "username"]


def test_no_link_for_a_member_who_chose_a_password(admin: User, clinician: User) -> None:
    # Whoever held it could take the account over, and the admin would hold it.
    refused = signed_in(admin).post(f"/members/{clinician.pk}/enrolment/", follow=True)
    assert "has already chosen a password" in refused.content.decode()
    assert not Enrolment.objects.exists()
    clinician.refresh_from_db()
    assert clinician.check_password(PASSWORD)


def test_a_member_not_yet_enrolled_gets_a_new_link_and_the_old_one_stops(admin: User) -> None:
    add(admin, "newcomer")
    newcomer = get_user_model().objects.get(username="newcomer@org")
    renewed = signed_in(admin).post(f"/members/{newcomer.pk}/enrolment/").content.decode()
    assert "any earlier link for them no longer works" in renewed
    links = Enrolment.objects.filter(user=newcomer)
    assert links.count() == 2 and links.filter(revoked_at__isnull=True).count() == 1


def page_without(text: str, *parts: str) -> str:
    """`text` with the parts that differ by name or by link (the name, the token, the
    expiry) blanked, so that two answers can be compared."""
    for part in parts:
        text = text.replace(part, "NAME")
    text = re.sub(r"/enrol/[A-Za-z0-9_\-]+/", "/enrol/TOKEN/", text)
    text = re.sub(r"until \d+ \w+ \d{4} \d\d:\d\d", "until WHEN", text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def test_a_username_used_in_another_organization_answers_as_any_free_one(
    admin: User, outsider: User
) -> None:
    elsewhere = outsider.memberships.get().organization
    other_admin = member("admin2", elsewhere, "admin")
    assert add(other_admin, "alice").status_code == 200  # alice@elsewhere
    answers = {}
    for name in ("alice", "outsider", "nobody"):  # used elsewhere (two ways), and not at all
        with CaptureQueriesContext(connection) as queries:
            response = add(admin, name)
        answers[name] = (
            response.status_code,
            len(queries),
            page_without(response.content.decode(), name),
        )
    assert answers["alice"] == answers["outsider"] == answers["nobody"]
    assert answers["nobody"][0] == 200
    users = get_user_model().objects
    assert {"alice@org", "outsider@org", "nobody@org"} <= set(
        users.values_list("username", flat=True)
    )
    outsider.refresh_from_db()
    assert outsider.check_password(PASSWORD)  # the other organization's account untouched
    assert users.get(username="alice@elsewhere").memberships.get().organization == elsewhere


def test_another_organizations_suffix_is_refused_as_any_other_name_with_at(
    admin: User, outsider: User
) -> None:
    other_admin = member("admin2", outsider.memberships.get().organization, "admin")
    add(other_admin, "alice")  # alice@elsewhere exists; alice@nowhere does not
    refusals = {}
    for typed in ("alice@elsewhere", "alice@nowhere"):
        refused = signed_in(admin).post(
            "/members/", {"username": typed, "role": "clinician"}, follow=True
        )
        refusals[typed] = page_without(refused.content.decode(), typed)
    assert refusals["alice@elsewhere"] == refusals["alice@nowhere"]
    assert "letters, digits" in refusals["alice@nowhere"]
    assert not get_user_model().objects.filter(username__startswith="alice@elsewhere@").exists()
    # Typed with this organization's own suffix, the name is taken as it is.
    assert add(admin, "bob@org").status_code == 200
    assert get_user_model().objects.filter(username="bob@org").exists()


def test_a_name_taken_here_is_refused_in_words_the_admin_understands(admin: User) -> None:
    add(admin, "newcomer")
    again = signed_in(admin).post(
        "/members/", {"username": "newcomer", "role": "clinician"}, follow=True
    )
    assert "newcomer@org is already taken in this organization" in again.content.decode()
    bad_email = signed_in(admin).post(
        "/members/", {"username": "other", "role": "clinician", "email": "not an address"},
        follow=True,
    )  # fmt: skip
    assert "that is not an email address" in bad_email.content.decode()
    assert not get_user_model().objects.filter(username="other@org").exists()
