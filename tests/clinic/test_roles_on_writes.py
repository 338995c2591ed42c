"""Roles on every write: only a clinician adds a client; a supervisor's or an admin's attempt
is refused with a clear page and stores nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from alliance.care.models import Client

from ..cast import signed_in

pytestmark = pytest.mark.django_db


def test_only_a_clinician_adds_a_client(clinician: User, supervisor: User, admin: User) -> None:
    for someone in (supervisor, admin):
        refused = signed_in(someone).post("/", {"code": "R-1"})
        assert refused.status_code == 403, someone.username
        assert "Only a clinician adds clients" in refused.content.decode()
    assert not Client.objects.exists()
    added = signed_in(clinician).post("/", {"code": "R-1"})
    assert added.status_code == 302
    assert Client.objects.get().clinician == clinician
