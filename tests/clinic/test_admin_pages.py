"""An organization admin: manages members and supervision, sees no client record except by
an explicit, time-limited, logged break-glass; nobody else reaches these pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.care.models import BreakGlass, Client, Supervision

from ..cast import member, signed_in

pytestmark = pytest.mark.django_db


def test_the_admin_adds_members_and_supervision(admin: User) -> None:
    browser = signed_in(admin)
    for name, role in (("c1", "clinician"), ("s1", "supervisor")):
        assert browser.post("/members/", {"username": name, "role": role}).status_code == 200
    taken = browser.post("/members/", {"username": "c1", "role": "clinician"}, follow=True)
    assert "c1@org is already taken in this organization" in taken.content.decode()
    users = get_user_model().objects
    c1, s1 = users.get(username="c1@org"), users.get(username="s1@org")
    assert not c1.has_usable_password()  # the member chooses it (tests/web/test_enrolment.py)
    browser.post(f"/members/{s1.pk}/supervises/", {"supervisee": c1.pk})
    assert Supervision.objects.filter(supervisor=s1, supervisee=c1).exists()
    wrong_way = browser.post(f"/members/{c1.pk}/supervises/", {"supervisee": s1.pk}, follow=True)
    assert "only a supervisor" in wrong_way.content.decode()
    browser.post(f"/members/{c1.pk}/active/", {"active": "0", "confirm": "yes"})
    assert not users.get(username="c1@org").is_active
    own = browser.post(f"/members/{admin.pk}/active/", {"active": "0", "confirm": "yes"},
                       follow=True)  # fmt: skip
    assert "your own account" in own.content.decode()
    assert AuditEvent.objects.filter(object_type="user", action="create").count() == 2


def test_break_glass_opens_one_record_read_only_for_an_hour(
    admin: User, client_with_history: Client
) -> None:
    client = client_with_history
    browser = signed_in(admin)
    assert browser.get(f"/clients/{client.pk}/").status_code == 404  # no standing access
    short = browser.post("/break-glass/", {"code": "H-1", "reason": "check"}, follow=True)
    assert "say why" in short.content.decode() and not BreakGlass.objects.exists()
    reason = "complaint 2026-41 about session notes"
    opened = browser.post("/break-glass/", {"code": "H-1", "reason": reason})
    assert opened["Location"] == f"/clients/{client.pk}/"
    page = browser.get(f"/clients/{client.pk}/").content.decode()
    assert "Read-only: a client of clinician1." in page and "Start a session" not in page
    assert browser.post(f"/clients/{client.pk}/sessions/").status_code == 404
    entry = AuditEvent.objects.get(action="break_glass")
    assert entry.client_id_at_time == client.pk and "complaint 2026-41" in entry.detail
    BreakGlass.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert browser.get(f"/clients/{client.pk}/").status_code == 404  # the hour is over


def test_no_one_but_an_admin_of_the_organization_reaches_these_pages(
    admin: User,
    clinician: User,
    colleague: User,
    supervisor: User,
    outsider: User,
    client_with_history: Client,
) -> None:
    # Not in the cast: an admin of Elsewhere, who must reach nothing of Org.
    other_admin = member("admin2", outsider.memberships.get().organization, "admin")
    for someone in (clinician, colleague, supervisor, outsider):
        for path in ("/members/", "/break-glass/"):
            assert signed_in(someone).get(path).status_code == 404, (someone.username, path)
    refused = signed_in(other_admin).post(
        "/break-glass/", {"code": "H-1", "reason": "curious about the other clinic"}, follow=True
    )
    assert "no client with that code" in refused.content.decode()
    assert signed_in(other_admin).post(f"/members/{clinician.pk}/active/",
                                       {"active": "0"}).status_code == 404  # fmt: skip
    assert get_user_model().objects.get(username="clinician1").is_active
