"""Adding a client: a pseudonymous code, an open episode with the default plan."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from alliance.care.models import Client, Organization
from alliance.care.services.clients import ClientError, add_client
from alliance.errors import DomainError

from ..cast import signed_in

pytestmark = pytest.mark.django_db


def test_it_adds_a_client_with_an_episode_and_the_default_plan(clinician: User) -> None:
    browser = signed_in(clinician)
    response = browser.post("/", {"code": "C-0142", "symptom_instruments": "ors"})
    client = Client.objects.get(code="C-0142")
    assert response.status_code == 302 and response["Location"] == f"/clients/{client.pk}/"
    plan = client.episodes.get().measure_plan
    assert plan.every_session == ("srs", "ors")
    assert [(w.first, w.last) for w in plan.windows] == [(3, 4), (8, 10)]


@pytest.mark.parametrize("code", ["", "Jane Smith", "<script>", "x" * 41])
def test_it_refuses_a_code_that_is_not_a_plain_pseudonym(clinician: User, code: str) -> None:
    page = signed_in(clinician).post("/", {"code": code}, follow=True).content.decode()
    assert "a client code is 1-40 letters" in page
    assert not Client.objects.exists()


def test_it_refuses_a_code_already_in_use(clinician: User) -> None:
    browser = signed_in(clinician)
    browser.post("/", {"code": "C-1"})
    page = browser.post("/", {"code": "C-1"}, follow=True).content.decode()
    assert "already in use" in page and Client.objects.count() == 1


def test_it_refuses_someone_who_is_not_a_member_of_an_organization() -> None:
    # Not in the cast: an account with no membership at all.
    loner = get_user_model().objects.create_user("loner")
    page = signed_in(loner).post("/", {"code": "C-1"}, follow=True).content.decode()
    assert "you are not a member of an organization" in page and not Client.objects.exists()


@pytest.mark.parametrize(
    ("member_of", "code", "error"),
    [
        (None, "C-1", "not_a_member"),
        ("org", "Jane Smith", "bad_code"),
        ("org", "C-1", "code_taken"),
    ],
)
def test_it_refuses_with_a_stable_code(
    clinician: User, organization: Organization, member_of: str | None, code: str, error: str
) -> None:
    org = Organization.objects.get(slug=member_of) if member_of else None
    add_client(clinician=clinician, organization=organization, code="C-1")
    with pytest.raises(ClientError) as refused:
        add_client(clinician=clinician, organization=org, code=code)
    assert isinstance(refused.value, DomainError) and refused.value.code == error
