"""Supervision: a supervisor reads the caseloads of the clinicians they supervise and
changes nothing; a supervisor elsewhere, or of someone else, sees nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from alliance.care.models import Client, Organization, Rupture, Session, Supervision

from ..cast import client_of, member, signed_in, srs

pytestmark = pytest.mark.django_db


@pytest.fixture
def idle_supervisor(organization: Organization) -> User:
    # Not in the cast: a supervisor of Org who supervises no one.
    return member("supervisor2", organization, "supervisor")


@pytest.fixture
def supervisor_elsewhere(outsider: User, clinician: User) -> User:
    # Not in the cast: a supervisor of Elsewhere whose supervision row names clinician1,
    # which counts for nothing in Org.
    elsewhere = outsider.memberships.get().organization
    user = member("supervisor-elsewhere", elsewhere, "supervisor")
    Supervision.objects.create(organization=elsewhere, supervisor=user, supervisee=clinician)
    return user


def test_a_supervisor_reads_the_supervisees_caseload_and_client(
    supervisor: User, colleague: User, client_with_history: Client
) -> None:
    client_of(colleague, "S-2", [(1, "srs", srs(9.0))])
    browser = signed_in(supervisor)
    caseload = browser.get("/").content.decode()
    assert "clinician1" in caseload and "H-1" in caseload and "S-2" not in caseload
    assert "Add a client" not in caseload
    page = browser.get(f"/clients/{client_with_history.pk}/").content.decode()
    assert "Read-only: a client of clinician1." in page and "possible rupture" in page.lower()
    for form in ("session-start", "Record rupture", "Save plan", 'name="action"'):
        assert form not in page


def test_a_supervisor_changes_nothing(supervisor: User, client_with_history: Client) -> None:
    client = client_with_history
    browser = signed_in(supervisor)
    signal = client.episodes.get().signals.first()
    session = Session.objects.filter(episode__client=client).first()
    assert signal is not None and session is not None
    sessions = Session.objects.filter(episode__client=client).count()
    posts = {
        f"/clients/{client.pk}/sessions/": {},
        f"/clients/{client.pk}/ruptures/": {"session_number": "2", "rupture_type": "unclear",
                                            "noticed_via": "scores"},
        f"/clients/{client.pk}/plan/": {"every_session": ["srs"], "wai_windows": ""},
        f"/signals/{signal.pk}/acknowledge/": {"action": "discussed", "note": "x"},
        f"/sessions/{session.pk}/kiosk/": {},
        f"/sessions/{session.pk}/": {},
    }  # fmt: skip
    for url, data in posts.items():
        assert browser.post(url, data).status_code == 404, url
    assert browser.get(f"/sessions/{session.pk}/").status_code == 404
    assert Session.objects.filter(episode__client=client).count() == sessions == 3
    assert not Rupture.objects.exists() and not signal.episode.acknowledgements.exists()


def test_no_one_else_reads_the_caseload(
    client_with_history: Client,
    idle_supervisor: User,
    supervisor_elsewhere: User,
    outsider: User,
    colleague: User,
) -> None:
    client = client_with_history
    for someone in (idle_supervisor, supervisor_elsewhere, outsider, colleague):
        browser = signed_in(someone)
        assert "H-1" not in browser.get("/").content.decode(), someone.username
        assert browser.get(f"/clients/{client.pk}/").status_code == 404, someone.username


def test_the_supervision_page_costs_a_fixed_number_of_queries_per_supervisee(
    supervisor: User, clinician: User, django_assert_num_queries: object
) -> None:
    browser = signed_in(supervisor)
    client_of(clinician, "S-0", [(1, "srs", srs(8.0))])
    with django_assert_num_queries(15):  # type: ignore[operator]
        browser.get("/")  # session, user, membership, own clients' count, supervisees, the
        # supervisee's count and page of clients; the session renewed (three)
    for n in range(1, 20):
        client_of(clinician, f"S-{n}", [(1, "srs", srs(8.0))])
    with django_assert_num_queries(15):  # type: ignore[operator]
        assert browser.get("/").content.decode().count('href="/clients/') == 20
