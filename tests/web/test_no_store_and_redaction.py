"""Nothing clinical from the browser's cache (every page for a signed-in member and every
link page is no-store); link tokens never in a log line, Django's request logging included."""

from __future__ import annotations

import io
import logging

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser

from alliance.care.models import Client
from alliance.care.services.links import create_form_link
from alliance.care.services.sessions import start_session
from alliance.web.log_redaction import redact

from ..cast import signed_in

pytestmark = pytest.mark.django_db


def test_every_page_for_a_member_is_no_store(clinician: User, client_with_history: Client) -> None:
    browser = signed_in(clinician)
    for path in ("/", f"/clients/{client_with_history.pk}/", "/account/email/"):
        response = browser.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path


def test_link_pages_are_no_store_and_the_sign_in_page_need_not_be(
    client_with_history: Client,
) -> None:
    session = start_session(client=client_with_history)
    _link, token = create_form_link(session=session, instruments=["srs"])
    assert "no-store" in Browser().get(f"/f/{token}/")["Cache-Control"]
    assert "no-store" in Browser().get("/f/not-a-token/")["Cache-Control"]
    assert "no-store" not in Browser().get("/health/").get("Cache-Control", "")


def test_a_static_file_keeps_its_own_caching(clinician: User) -> None:
    response = signed_in(clinician).get("/static/clinic/clinic.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Not Found: /f/XzCvDlXkAo5ml6Rmw-KjViyWl5UM5DYFide5JVwVGpA/",
         "Not Found: /f/[redacted]/"),
        ("Gone: /p/abcDEF123_-xyz890/", "Gone: /p/[redacted]/"),
        ("Not Found: /enrol/abcDEF123_-xyz890/", "Not Found: /enrol/[redacted]/"),
        ('kiosk state {"token": "AbCdEfGh12345678", "session": 4}',
         'kiosk state {"token": "[redacted]", "session": 4}'),
        ("GET /clients/12/ 200", "GET /clients/12/ 200"),
    ],
)  # fmt: skip
def test_it_blanks_tokens_and_keeps_the_rest(text: str, shown: str) -> None:
    assert redact(text) == shown


def test_djangos_request_log_names_no_token(client_with_history: Client) -> None:
    # What the server's stderr gets, through the handler the settings configure (pointed at a
    # buffer for the test).
    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == "stderr"]
    assert isinstance(handler, logging.StreamHandler)
    session = start_session(client=client_with_history)
    _link, token = create_form_link(session=session, instruments=["srs"])
    buffer = io.StringIO()
    stream = handler.setStream(buffer)
    try:
        Browser().post(f"/f/{token}/", {"srs-1": "99"})  # refused: "Bad Request: /f/…/"
        Browser().get(f"/f/{token[:-3]}abc/")  # unknown: "Not Found: /f/…/"
    finally:
        handler.setStream(stream)
    logged = buffer.getvalue()
    assert "Bad Request: /f/[redacted]/" in logged and "Not Found: /f/[redacted]/" in logged
    assert token not in logged and token[:-3] not in logged
