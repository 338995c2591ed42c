"""A new install: an organization and its first admin from the command line."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from alliance.care.models import Membership, Organization

pytestmark = pytest.mark.django_db


def test_it_creates_the_organization_and_its_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIRST_PASSWORD", "a sturdy pass phrase 7")
    out = io.StringIO()
    call_command("create_organization", "clinic", "The Clinic", "boss",
                 password_env="FIRST_PASSWORD", stdout=out)  # fmt: skip
    assert "admin boss can sign in" in out.getvalue()
    membership = Membership.objects.get(user__username="boss")
    assert membership.role == "admin" and membership.organization.name == "The Clinic"
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_organization", "clinic", "Again", "boss2",
                     password_env="FIRST_PASSWORD")  # fmt: skip


@pytest.mark.hashing  # the site's password validators, with its own hashers in force
def test_a_weak_password_creates_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIRST_PASSWORD", "12345")
    with pytest.raises(CommandError, match="too short"):
        call_command("create_organization", "clinic", "The Clinic", "boss",
                     password_env="FIRST_PASSWORD")  # fmt: skip
    assert not Organization.objects.exists() and not get_user_model().objects.exists()
