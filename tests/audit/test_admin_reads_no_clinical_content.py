"""An admin reads clinical content only through break-glass: every page an admin can open
without it (the URL table's pages, and the admin's own pages of the other apps) shows none
of a client's record: not the clinician's notes, not what was found in the forms. (A page
for the admin's own work may name a client by code, as the clients' transfer does.)"""

from __future__ import annotations

import pytest

from alliance.care.services.acknowledgements import acknowledge_signal

from ..cast import signed_in
from ..web.test_url_roles import URLS, World, world  # noqa: F401

pytestmark = pytest.mark.django_db

# The admin's pages of other apps, outside the URL table's classification.
ADMIN_PAGES = ("/notifications/", "/crisis-resources/", "/account/email/")
NOTE = "talked about the missed appointment and the new medication"


def test_no_page_an_admin_opens_without_break_glass_shows_clinical_content(
    world: World,  # noqa: F811
) -> None:
    signal = world.client.episodes.get().signals.get(pk=world.signal_pk)
    acknowledge_signal(signal=signal, user=world.users["owner"], action="discussed", note=NOTE)
    admin = signed_in(world.users["admin"])
    paths = [path(world) for method, path, _expected in URLS.values() if method == "get"]
    opened = {}
    for path in [*paths, *ADMIN_PAGES]:
        response = admin.get(path)
        if response.status_code == 200 and not response.get("Content-Disposition"):
            opened[path] = response.content.decode()
        elif response.status_code == 200:  # the trail's export
            opened[path] = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert {"/", "/audit/", "/audit/export.csv", "/audit/mine/", "/members/",
            "/break-glass/", *ADMIN_PAGES} <= set(opened)  # fmt: skip
    shown = {path: page for path, page in opened.items() if path.startswith(("/f/", "/login"))}
    assert set(shown) <= {f"/f/{world.token}/", "/login/"}  # public pages: no record on them
    for path, page in opened.items():
        assert "missed appointment" not in page, path  # the clinician's note
        # What the forms showed (the trail names kinds of record, "rupture 1", not findings).
        assert "possible rupture" not in page.lower() and "self harm" not in page.lower(), path
    assert len(opened) >= 10
    # And the client's own pages are closed to the admin until break-glass.
    assert admin.get(f"/clients/{world.client.pk}/").status_code == 404
