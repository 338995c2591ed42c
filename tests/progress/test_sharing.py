"""Sharing is off until the client's own clinician turns it on from the client page; turning
it off closes every progress link; no one else may change it, and every change is audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from alliance.audit.models import AuditEvent
from alliance.care.models import Client
from alliance.progress.models import ProgressLink, ProgressSharing
from alliance.progress.services import progress_for
from alliance.progress.sharing import SharingOff, create_progress_link, set_sharing

from ..cast import client_of, signed_in
from .conftest import FORMS, anonymous

pytestmark = pytest.mark.django_db


def test_it_is_off_by_default(clinician: User) -> None:
    client = client_of(clinician, "P-9", FORMS)
    assert progress_for(client) is None
    with pytest.raises(SharingOff) as refused:
        create_progress_link(client=client, by=clinician)
    assert refused.value.code == "sharing_off"
    assert not ProgressLink.objects.exists() and not ProgressSharing.objects.exists()
    page = signed_in(clinician).get(f"/clients/{client.pk}/").content.decode()
    assert "Sharing progress with the client" in page and "<strong>Off.</strong>" in page
    assert "Share progress with the client</button>" in page
    assert "Create a progress link" not in page
    # Nothing of the client's progress was read.
    assert not AuditEvent.objects.filter(detail__startswith="progress shown").exists()


def test_the_clinician_turns_it_on_and_off_from_the_client_page(clinician: User) -> None:
    client = client_of(clinician, "P-9", FORMS)
    browser = signed_in(clinician)
    turned_on = browser.post(f"/clients/{client.pk}/progress/sharing/", {"sharing": "on"})
    assert turned_on.status_code == 302
    assert turned_on["Location"] == f"/clients/{client.pk}/#progress"
    sharing = ProgressSharing.objects.get(client=client)
    assert sharing.enabled and sharing.changed_by == clinician
    assert progress_for(client) is not None
    page = browser.get(f"/clients/{client.pk}/").content.decode()
    assert "<strong>On.</strong>" in page and "Turned on by clinician1" in page
    assert "The client now sees their progress after sending forms." in page
    assert "Create a progress link</button>" in page

    browser.post(f"/clients/{client.pk}/progress/sharing/", {"sharing": "off"})
    sharing.refresh_from_db()
    assert not sharing.enabled and progress_for(client) is None
    changes = list(
        AuditEvent.objects.filter(client_id_at_time=client.pk, object_type="progresssharing")
        .order_by("id")
        .values_list("action", "detail", "username")
    )
    assert changes == [
        ("create", "progress sharing turned on", "clinician1"),
        ("update", "progress sharing turned off", "clinician1"),
    ]
    # Turning off what is off changes and records nothing.
    browser.post(f"/clients/{client.pk}/progress/sharing/", {"sharing": "off"})
    assert AuditEvent.objects.filter(object_type="progresssharing").count() == 2


def test_a_choice_other_than_on_or_off_changes_nothing(clinician: User) -> None:
    client = client_of(clinician, "P-9")
    browser = signed_in(clinician)
    answer = browser.post(
        f"/clients/{client.pk}/progress/sharing/", {"sharing": "maybe"}, follow=True
    )
    assert answer.status_code == 200
    assert "Choose whether to share the client&#x27;s progress: on or off." in (
        answer.content.decode()
    )
    assert not ProgressSharing.objects.exists()


def test_only_the_clients_own_clinician_may_change_it(
    shared_client: Client,
    progress_token: str,
    colleague: User,
    outsider: User,
    supervisor: User,
) -> None:
    link = ProgressLink.objects.get()
    base = f"/clients/{shared_client.pk}/progress"
    changes = [
        (f"{base}/sharing/", {"sharing": "off"}),
        (f"{base}/links/", {}),
        (f"{base}/links/{link.pk}/revoke/", {}),
    ]
    refused = 0
    for someone in (colleague, outsider, supervisor):
        browser = signed_in(someone)
        for url, data in changes:
            assert browser.post(url, data).status_code == 404, (someone.username, url)
            refused += 1
    assert refused == 9
    assert ProgressSharing.objects.get().enabled
    assert ProgressLink.objects.count() == 1 and ProgressLink.objects.get().revoked_at is None
    # Signed out, a change is a sign-in redirect.
    assert anonymous().post(f"{base}/sharing/", {"sharing": "off"}).status_code == 302
    assert ProgressSharing.objects.get().enabled


def test_a_supervisor_sees_whether_it_is_shared_and_can_change_nothing(
    shared_client: Client, progress_token: str, supervisor: User, colleague: User
) -> None:
    page = signed_in(supervisor).get(f"/clients/{shared_client.pk}/").content.decode()
    assert "<strong>On.</strong>" in page and "Open progress links" in page
    assert "/progress/sharing/" not in page and "/progress/links/" not in page
    assert "Revoke</button>" not in page
    assert signed_in(colleague).get(f"/clients/{shared_client.pk}/").status_code == 404


def test_turning_it_off_closes_every_link_for_good(
    shared_client: Client, progress_token: str, clinician: User
) -> None:
    _second, second_token = create_progress_link(client=shared_client, by=clinician)
    phone = anonymous()
    assert phone.get(f"/p/{progress_token}/").status_code == 200
    set_sharing(client=shared_client, enabled=False, by=clinician)
    assert ProgressLink.objects.filter(revoked_at__isnull=True).count() == 0
    for token in (progress_token, second_token):
        closed = phone.get(f"/p/{token}/")
        assert closed.status_code == 410 and "withdrawn" in closed.content.decode()
    # Turned on again, the links handed out before stay closed.
    set_sharing(client=shared_client, enabled=True, by=clinician)
    assert phone.get(f"/p/{progress_token}/").status_code == 410
    revoked = AuditEvent.objects.filter(object_type="progresslink", fields=["revoked_at"])
    assert revoked.count() == 2
