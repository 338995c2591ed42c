"""Supervision: a supervisor reads the caseloads of the clinicians they supervise and
changes nothing; a supervisor elsewhere, or of someone else, sees nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from alliance.care.models import Membership, Organization, Rupture, Session, Supervision

from .test_caseload_pages import add_client, signed_in, srs

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, object]:
    users = get_user_model().objects
    org = Organization.objects.create(name="Org", slug="org")
    elsewhere = Organization.objects.create(name="Elsewhere", slug="elsewhere")
    people = {name: users.create_user(name) for name in
              ("clinician1", "clinician2", "supervisor", "supervisor2", "outsider")}  # fmt: skip
    for name, role in (("clinician1", "clinician"), ("clinician2", "clinician"),
                       ("supervisor", "supervisor"), ("supervisor2", "supervisor")):  # fmt: skip
        Membership.objects.create(organization=org, user=people[name], role=role)
    Membership.objects.create(organization=elsewhere, user=people["outsider"], role="supervisor")
    # supervisor supervises clinician1 only; supervisor2 supervises no one; the outsider's
    # supervision row names clinician1 but belongs to another organization.
    Supervision.objects.create(organization=org, supervisor=people["supervisor"],
                               supervisee=people["clinician1"])  # fmt: skip
    Supervision.objects.create(organization=elsewhere, supervisor=people["outsider"],
                               supervisee=people["clinician1"])  # fmt: skip
    return people


def test_a_supervisor_reads_the_supervisees_caseload_and_client(
    people: dict[str, object],
) -> None:
    mine = add_client(people["clinician1"], "S-1", [(1, "srs", srs(9.5)), (2, "srs", srs(7.0))])
    add_client(people["clinician2"], "S-2", [(1, "srs", srs(9.0))])
    browser = signed_in(people["supervisor"])
    caseload = browser.get("/").content.decode()
    assert "clinician1" in caseload and "S-1" in caseload and "S-2" not in caseload
    assert "Add a client" not in caseload
    page = browser.get(f"/clients/{mine.pk}/").content.decode()
    assert "Read-only: a client of clinician1." in page and "possible rupture" in page.lower()
    for form in ("session-start", "Record rupture", "Save plan", 'name="action"'):
        assert form not in page


def test_a_supervisor_changes_nothing(people: dict[str, object]) -> None:
    client = add_client(people["clinician1"], "S-1", [(1, "srs", srs(9.5)), (2, "srs", srs(7.0))])
    browser = signed_in(people["supervisor"])
    signal = client.episodes.get().signals.first()  # type: ignore[attr-defined]
    session = Session.objects.filter(episode__client=client).first()
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
    assert Session.objects.filter(episode__client=client).count() == 2
    assert not Rupture.objects.exists() and not signal.episode.acknowledgements.exists()


def test_no_one_else_reads_the_caseload(people: dict[str, object]) -> None:
    client = add_client(people["clinician1"], "S-1", [(1, "srs", srs(9.5))])
    for name in ("supervisor2", "outsider", "clinician2"):
        browser = signed_in(people[name])
        assert "S-1" not in browser.get("/").content.decode(), name
        assert browser.get(f"/clients/{client.pk}/").status_code == 404, name


def test_the_supervision_page_costs_a_fixed_number_of_queries_per_supervisee(
    people: dict[str, object], django_assert_num_queries: object
) -> None:
    browser = signed_in(people["supervisor"])
    add_client(people["clinician1"], "S-0", [(1, "srs", srs(8.0))])
    with django_assert_num_queries(11):  # type: ignore[operator]
        browser.get("/")  # session, user, own clients, own signals, supervisees, membership,
        # the supervisee's clients and signals
    for n in range(1, 20):
        add_client(people["clinician1"], f"S-{n}", [(1, "srs", srs(8.0))])
    with django_assert_num_queries(11):  # type: ignore[operator]
        assert browser.get("/").content.decode().count('href="/clients/') == 20
