"""What an attacker would try: forged posts (CSRF), markup in every free-text field,
injection in every filter, oversized bodies, and fuzzed forms. None of it may change data it
should not, run in a page, or produce a server error (the test client raises on one)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.care.models import Administration, Client
from alliance.care.services.administrations import record_administration
from alliance.care.services.links import create_form_link
from alliance.care.services.sessions import start_session

from ..cast import client_of, signed_in, srs
from .test_url_roles import URLS, World, world  # noqa: F401

pytestmark = pytest.mark.django_db

MARKUP = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
# Views that take a post besides those the URL table already tries by post.
ALSO_POSTED = {"caseload": "/", "members": "/members/", "break-glass": "/break-glass/",
               "login": "/login/"}  # fmt: skip


def test_every_post_needs_the_csrf_token(world: World) -> None:  # noqa: F811
    stored = Administration.objects.count()
    posted = {name: path(world) for name, (method, path, _e) in URLS.items() if method == "post"}
    posted |= ALSO_POSTED | {
        "respond": f"/f/{world.token}/",
        "session": f"/sessions/{world.session_pk}/",
        "form-correct": f"/forms/{world.form_pk}/correct/",
        "two-factor-verify": "/2fa/",
        "two-factor-setup": "/2fa/setup/",
    }
    for role in ("owner", "admin"):
        browser = Browser(enforce_csrf_checks=True)
        browser.force_login(world.users[role])
        for name, path in posted.items():
            assert browser.post(path, {"x": "1"}).status_code == 403, (name, role)
    assert len(posted) > len(ALSO_POSTED)  # the URL table's posts were tried too
    assert Administration.objects.count() == stored  # nothing stored by a forged post


def test_markup_in_every_free_text_field_comes_out_escaped(world: World) -> None:  # noqa: F811
    owner = signed_in(world.users["owner"])
    client_pk = world.client.pk
    refused = owner.post("/", {"code": MARKUP, "symptom_instruments": "ors"}, follow=True)
    assert "a client code is" in refused.content.decode()  # codes take no markup at all
    signal = world.client.episodes.get().signals.exclude(severity="info").first()
    assert signal is not None
    owner.post(f"/signals/{signal.pk}/acknowledge/", {"action": "discussed", "note": MARKUP})
    owner.post(f"/clients/{client_pk}/ruptures/", {"session_number": "1", "rupture_type": "unclear",
               "noticed_via": "scores", "description": MARKUP})  # fmt: skip
    owner.post(f"/ruptures/{world.rupture_pk}/steps/",
               {"step": "noticed", "session_number": "3", "note": MARKUP})  # fmt: skip
    owner.post(f"/ruptures/{world.rupture_pk}/outcome/",
               {"outcome": "partly", "session_number": "3", "note": MARKUP})  # fmt: skip
    answers = {f"srs-{i}": "8" for i in range(1, 5)} | {"reason": MARKUP}
    owner.post(f"/forms/{world.form_pk}/correct/", answers)
    admin = signed_in(world.users["admin"])
    reason = MARKUP + " reviewing a complaint"
    admin.post("/break-glass/", {"code": world.client.code, "reason": reason})
    pages = {
        "client": owner.get(f"/clients/{client_pk}/?timeline=all").content.decode(),
        "session": owner.get(f"/sessions/{world.session_pk}/").content.decode(),
        "audit": admin.get("/audit/").content.decode(),
    }
    for name, page in pages.items():
        assert "<script>alert(1)" not in page and "<img src=x" not in page, name
    assert pages["client"].count(ESCAPED_SCRIPT) >= 4  # note, description, step, outcome
    assert ESCAPED_SCRIPT in pages["session"] and ESCAPED_SCRIPT in pages["audit"]
    spec = re.search(r'<script id="chart-spec" type="application/json">(.*?)</script>',
                     pages["client"], re.S)  # fmt: skip
    assert spec is not None and "<" not in spec.group(1)  # json_script escapes markup
    json.loads(spec.group(1))


@pytest.mark.parametrize(
    "query",
    ["user=' OR '1'='1", "client=1; DROP TABLE care_client", "action=read' --",
     "client=99999999999999999999999", "page=-1", "page=abc", "user=%00", "action=<b>"],
)  # fmt: skip
def test_injection_in_the_audit_filters_finds_nothing_and_breaks_nothing(
    world: World,  # noqa: F811
    query: str,
) -> None:
    admin = signed_in(world.users["admin"])
    expected = 400 if "%00" in query else 200  # a NUL is refused before any view
    assert admin.get(f"/audit/?{query}").status_code == expected
    assert admin.get(f"/audit/export.csv?{query}").status_code == expected
    assert Client.objects.filter(pk=world.client.pk).exists()


@pytest.mark.parametrize(
    "query", ["page=abc", "page=-5", "page=10**9", "timeline=<script>", "page=%27%22"]
)
def test_odd_queries_on_pages_are_harmless(world: World, query: str) -> None:  # noqa: F811
    owner = signed_in(world.users["owner"])
    assert owner.get(f"/?{query}").status_code == 200
    assert owner.get(f"/clients/{world.client.pk}/?{query}").status_code == 200
    for bad in (
        "/clients/abc/",
        "/clients/-1/",
        "/sessions/0/",
        "/f/%00/",
        "/f/" + "a" * 5000 + "/",
    ):
        assert owner.get(bad).status_code in (400, 404, 410), bad


def test_oversized_bodies_are_refused(world: World) -> None:  # noqa: F811
    stored = Administration.objects.count()
    big = "x" * (1024 * 1024 + 1)
    assert Browser().post(f"/f/{world.token}/", {"srs-1": big}).status_code == 400
    assert Browser().post("/login/", {"username": big, "password": "x"}).status_code == 400
    many = {f"f{n}": "1" for n in range(500)}
    assert Browser().post(f"/f/{world.token}/", many).status_code == 400
    assert Administration.objects.count() == stored


# Fuzzing: any fields with any values, posted to the client's link.
field_names = st.one_of(
    st.sampled_from([f"srs-{i}" for i in range(0, 6)] + ["srs-", "srs-1.0", "phq-9-9"]),
    st.text(min_size=0, max_size=20),
)
values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from("\x00\ufeff\u202e<>'\"%;"), max_size=6),
    st.sampled_from(
        [
            "NaN",
            "inf",
            "-inf",
            "1e999",
            "-0",
            "10.05",
            "10",
            "0",
            "9.99",
            "1_0",
            "\N{ARABIC-INDIC DIGIT THREE}",
            "\N{FULLWIDTH DIGIT ONE}\N{FULLWIDTH DIGIT ZERO}",
            " 5 ",
            "0x10",
            "5.",
            ".5",
            "1e1",
        ]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


@pytest.fixture
def token(clinician: User) -> str:
    client = client_of(clinician, "Z-1")
    earlier = start_session(client=client, held_on=dt.date(2026, 3, 2))
    record_administration(session=earlier, instrument="srs", answers=srs(9.0))
    session = start_session(client=client, held_on=dt.date(2026, 3, 9))
    _link, token = create_form_link(session=session, instruments=["srs", "phq-9"])
    return token


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(fields=st.dictionaries(field_names, values, max_size=12))
def test_fuzzed_link_forms_never_break_the_server(token: str, fields: dict[str, str]) -> None:
    before = Administration.objects.count()
    response = Browser().post(f"/f/{token}/", fields)
    assert response.status_code in (200, 400, 410)
    if response.status_code == 400:
        text = response.content.decode()
        assert "Nothing was sent yet" in text or "NUL character" in text
        assert Administration.objects.count() == before  # nothing half-stored


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(fields=st.dictionaries(st.sampled_from(
    ["session_number", "rupture_type", "noticed_via", "markers", "description", "step", "note",
     "outcome", "action", "every_session", "wai_windows", "therapist_wai", "code", "reason"]),
    values, max_size=8))  # fmt: skip
def test_fuzzed_clinician_posts_never_break_the_server(
    world: World,  # noqa: F811
    fields: dict[str, str],
) -> None:
    owner = signed_in(world.users["owner"])
    for path in (f"/clients/{world.client.pk}/ruptures/", f"/ruptures/{world.rupture_pk}/steps/",
                 f"/ruptures/{world.rupture_pk}/outcome/", f"/clients/{world.client.pk}/plan/",
                 f"/signals/{world.signal_pk}/acknowledge/", "/",
                 f"/forms/{world.form_pk}/correct/"):  # fmt: skip
        assert owner.post(path, fields).status_code in (200, 302, 400), path
