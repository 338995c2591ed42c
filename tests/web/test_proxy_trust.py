"""Behind a reverse proxy that terminates TLS: what the proxy named in
ALLIANCE_TRUSTED_PROXIES says about the scheme, host and client is believed (HTTPS redirect,
HSTS, the CSRF origin check, client links, the audit trail's address, the sign-in lockout),
and the same headers from anyone else are not.

Who is who here: the proxy is 127.0.0.1 (the Django test client's own address); clients
behind it are 203.0.113.x; 198.51.100.20 reaches the app directly, bypassing the proxy, and
sends whatever headers it likes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser

from alliance.audit.models import AuditEvent
from alliance.web.proxy import ProxySettingError, forwarded_client, parse_trusted_proxies

from ..cast import PASSWORD, client_of, signed_in

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"
DIRECT = "198.51.100.20"
HOST = "clinic.example.org"


@pytest.fixture
def behind_proxy(settings: Any) -> Any:
    """The production block of settings.py, with the proxy on this host trusted."""
    settings.TRUSTED_PROXIES = parse_trusted_proxies([PROXY])
    settings.ALLOWED_HOSTS = [HOST]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def via_proxy(client: str = "203.0.113.7", scheme: str = "https", **extra: str) -> dict[str, str]:
    """What nginx sends with the example configuration in SECURITY.md."""
    return {"REMOTE_ADDR": PROXY, "HTTP_HOST": HOST, "HTTP_X_FORWARDED_PROTO": scheme,
            "HTTP_X_FORWARDED_FOR": client, **extra}  # fmt: skip


def direct(**forged: str) -> dict[str, str]:
    return {"REMOTE_ADDR": DIRECT, "HTTP_HOST": HOST, **forged}


def test_https_through_the_trusted_proxy_is_served_with_hsts(behind_proxy: Any) -> None:
    response = Browser().get("/login/", **via_proxy())  # type: ignore[arg-type]
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_plain_http_through_the_trusted_proxy_is_redirected_to_https(behind_proxy: Any) -> None:
    response = Browser().get("/login/", **via_proxy(scheme="http"))  # type: ignore[arg-type]
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}/login/"


@pytest.mark.parametrize(
    ("peer", "trusted"),
    [(DIRECT, [PROXY]), (PROXY, []), ("127.0.0.2", [PROXY])],
    ids=["from-another-address", "no-proxy-trusted", "from-a-neighbour-of-the-proxy"],
)
def test_a_forged_https_header_is_not_believed(
    behind_proxy: Any, peer: str, trusted: list[str]
) -> None:
    behind_proxy.TRUSTED_PROXIES = parse_trusted_proxies(trusted)
    forged = {"REMOTE_ADDR": peer, "HTTP_HOST": HOST, "HTTP_X_FORWARDED_PROTO": "https",
              "HTTP_X_FORWARDED_SSL": "on", "HTTP_FORWARDED": "proto=https"}  # fmt: skip
    response = Browser().get("/login/", **forged)  # type: ignore[arg-type]
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in response


def test_the_session_cookie_set_through_the_proxy_is_secure(
    behind_proxy: Any, clinician: User
) -> None:
    browser = Browser()
    response = browser.post("/login/", {"username": "clinician1", "password": PASSWORD},
                            **via_proxy())  # type: ignore[arg-type]  # fmt: skip
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"]


def test_the_csrf_origin_check_passes_for_the_proxys_https_and_fails_for_a_forger(
    settings: Any, clinician: User
) -> None:
    # Development settings (no redirect), so that the forger's post reaches the CSRF check.
    settings.TRUSTED_PROXIES = parse_trusted_proxies([PROXY])
    settings.ALLOWED_HOSTS = [HOST]
    form = {"username": "clinician1", "password": PASSWORD}
    origin = {"HTTP_ORIGIN": f"https://{HOST}", "HTTP_REFERER": f"https://{HOST}/login/"}
    outcomes = []
    for headers in (via_proxy(**origin), direct(HTTP_X_FORWARDED_PROTO="https", **origin)):
        browser = Browser(enforce_csrf_checks=True)
        page = browser.get("/login/", **headers)  # type: ignore[arg-type]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
        assert token is not None
        response = browser.post("/login/", form | {"csrfmiddlewaretoken": token[1]},
                                **headers)  # type: ignore[arg-type]  # fmt: skip
        outcomes.append(response.status_code)
    assert outcomes == [302, 403]


def link_made(clinician: User, code: str, headers: dict[str, str]) -> str:
    """The client link the session page shows after the clinician asks for one."""
    client = client_of(clinician, code)
    browser = signed_in(clinician)
    made = browser.post(f"/clients/{client.pk}/sessions/", **headers)  # type: ignore[arg-type]
    assert made.status_code == 302, made.status_code
    session_url = made["Location"]
    browser.post(session_url, {"phase": ""}, **headers)  # type: ignore[arg-type]
    page = browser.get(session_url, **headers).content.decode()  # type: ignore[arg-type]
    links = re.findall(r"https?://[^\s\"<]+/f/[A-Za-z0-9_-]+/", page)
    assert len(set(links)) == 1, links
    return str(links[0])


def test_a_client_link_made_through_the_proxy_is_an_https_link(
    behind_proxy: Any, clinician: User
) -> None:
    assert link_made(clinician, "P-1", via_proxy()).startswith(f"https://{HOST}/f/")


def test_a_forwarded_host_is_believed_from_the_proxy_only(
    behind_proxy: Any, clinician: User
) -> None:
    behind_proxy.ALLOWED_HOSTS = [HOST, "evil.example"]
    # A proxy that passes its upstream's address as Host, and the public name apart.
    upstream = via_proxy(HTTP_HOST="127.0.0.1:8000", HTTP_X_FORWARDED_HOST=HOST)
    assert link_made(clinician, "P-2", upstream).startswith(f"https://{HOST}/f/")
    behind_proxy.SECURE_SSL_REDIRECT = False
    forged = direct(HTTP_X_FORWARDED_HOST="evil.example")
    assert link_made(clinician, "P-3", forged).startswith(f"http://{HOST}/f/")


def test_the_audit_trail_records_the_client_behind_the_proxy_not_a_forged_address(
    behind_proxy: Any, clinician: User
) -> None:
    login = {"username": "clinician1", "password": PASSWORD}
    Browser().post("/login/", login, **via_proxy("203.0.113.50"))  # type: ignore[arg-type]
    Browser().post("/login/", login, **via_proxy("6.6.6.6, 203.0.113.51"))  # type: ignore[arg-type]
    # Straight to the app over HTTPS would be redirected: this forger reaches the page over
    # plain HTTP with the redirect off, the one case where the header could still matter.
    behind_proxy.SECURE_SSL_REDIRECT = False
    Browser().post("/login/", login, **direct(HTTP_X_FORWARDED_FOR="203.0.113.52"))  # type: ignore[arg-type]
    signed = AuditEvent.objects.filter(action="sign_in", username="clinician1")
    assert list(signed.order_by("id").values_list("address", flat=True)) == [
        "203.0.113.50", "203.0.113.51", DIRECT,
    ]  # fmt: skip


def test_a_lockout_holds_the_client_behind_the_proxy_not_everyone_behind_it(
    behind_proxy: Any, clinician: User
) -> None:
    wrong = {"username": "clinician1", "password": "a wrong guess"}
    for _ in range(5):
        Browser().post("/login/", wrong, **via_proxy("203.0.113.60"))  # type: ignore[arg-type]
    right = {"username": "clinician1", "password": PASSWORD}
    locked = Browser().post("/login/", right, **via_proxy("203.0.113.60"))  # type: ignore[arg-type]
    other = Browser().post("/login/", right, **via_proxy("203.0.113.61"))  # type: ignore[arg-type]
    assert (locked.status_code, other.status_code) == (429, 302)


def test_a_forger_cannot_dodge_the_lockout_by_changing_its_forwarded_for(
    behind_proxy: Any, clinician: User
) -> None:
    behind_proxy.SECURE_SSL_REDIRECT = False
    wrong = {"username": "clinician1", "password": "a wrong guess"}
    for n in range(5):
        Browser().post("/login/", wrong, **direct(HTTP_X_FORWARDED_FOR=f"203.0.113.{70 + n}"))  # type: ignore[arg-type]
    right = {"username": "clinician1", "password": PASSWORD}
    response = Browser().post("/login/", right, **direct(HTTP_X_FORWARDED_FOR="203.0.113.99"))  # type: ignore[arg-type]
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("header", "client"),
    [
        ("203.0.113.7", "203.0.113.7"),
        # What the client sent is left of what the proxy appended: never believed.
        ("6.6.6.6, 203.0.113.7", "203.0.113.7"),
        # A second trusted proxy in the chain is passed over.
        ("203.0.113.7, 10.0.0.5", "203.0.113.7"),
        ("[2001:db8::7]:4711", "2001:db8::7"),
        ("203.0.113.7:4711", "203.0.113.7"),
        # Not an address where the proxy's entry should be: the proxy itself is the client.
        ("203.0.113.7, unknown", "127.0.0.1"),
        ("", "127.0.0.1"),
    ],
)
def test_the_client_is_the_nearest_address_no_trusted_proxy_added(header: str, client: str) -> None:
    import ipaddress

    networks = tuple(ipaddress.ip_network(n) for n in ("127.0.0.1/32", "10.0.0.0/8"))
    assert forwarded_client(header, ipaddress.ip_address(PROXY), networks) == client


@pytest.mark.parametrize(
    ("value", "words"),
    [("localhost", "not an address or a network"), ("*", "cannot be '*'"),
     ("10.0.0.0/33", "not an address or a network")],
)  # fmt: skip
def test_a_trusted_proxy_that_is_not_an_address_is_refused(value: str, words: str) -> None:
    with pytest.raises(ProxySettingError, match=re.escape(words)):
        parse_trusted_proxies(["127.0.0.1", value])


def test_trusted_proxies_are_read_as_networks() -> None:
    assert parse_trusted_proxies(["127.0.0.1", " 10.1.2.3/8", "::1"]) == (
        "127.0.0.1/32", "10.0.0.0/8", "::1/128",
    )  # fmt: skip
