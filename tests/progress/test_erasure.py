"""Erasing a client whose progress is shared removes the setting and the links with the
rest of the record (they cascade with the client), and the link opens nothing after."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from alliance.care.models import Client
from alliance.progress.models import ProgressLink, ProgressSharing

from ..cast import signed_in
from .conftest import anonymous

pytestmark = pytest.mark.django_db


def test_erasing_a_client_with_sharing_on_and_a_link_removes_them(
    shared_client: Client, progress_token: str, clinician: User
) -> None:
    assert ProgressSharing.objects.count() == 1 and ProgressLink.objects.count() == 1
    erased = signed_in(clinician).post(
        f"/clients/{shared_client.pk}/erase/", {"confirm": shared_client.code}
    )
    assert erased.status_code == 302
    assert not Client.objects.filter(pk=shared_client.pk).exists()
    assert ProgressSharing.objects.count() == 0 and ProgressLink.objects.count() == 0
    assert anonymous().get(f"/p/{progress_token}/").status_code == 404
