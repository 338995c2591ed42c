"""Which reverse proxy is believed: the one place the app decides a request's scheme, host
and client address.

Behind a proxy that terminates TLS, every request reaches the app from the proxy, over plain
HTTP; the proxy says what it received in X-Forwarded-Proto, X-Forwarded-For and
X-Forwarded-Host. Anyone can send those headers, so they are read only on a request that
comes straight from an address in ALLIANCE_TRUSTED_PROXIES (`settings.TRUSTED_PROXIES`):
then REMOTE_ADDR becomes the client's address, and the scheme and host those the proxy
received. From anywhere else they are not believed. Either way every forwarding header is
removed from the request, so nothing after this middleware (Django's HTTPS redirect, HSTS,
the CSRF origin check, absolute links, the audit trail's address, the link-guessing limit,
the sign-in lockout) can read one by itself. The WSGI servers interpret none of them
(see run.py): the trust lives here only.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.conf import settings

from alliance.errors import DomainError

if TYPE_CHECKING:  # settings.py imports this module: it loads no more of Django than that
    from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Every header a proxy (or someone posing as one) uses to say who the client is or how it
# connected: read from a trusted proxy (the first three), removed from every request.
FORWARDING_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PROTOCOL",
    "HTTP_X_FORWARDED_SSL",
    "HTTP_X_FORWARDED_SCHEME",
    "HTTP_X_FORWARDED_SERVER",
    "HTTP_X_FORWARDED_BY",
    "HTTP_X_REAL_IP",
    "HTTP_X_CLIENT_IP",
    "HTTP_FORWARDED",
)


class ProxySettingError(DomainError):
    """A value of ALLIANCE_TRUSTED_PROXIES that is not an address or a network (code:
    trusted_proxies)."""

    def __init__(self, message: str) -> None:
        super().__init__("trusted_proxies", message)


def parse_trusted_proxies(values: Iterable[str]) -> tuple[str, ...]:
    """The trusted proxies as networks in their plain form ("127.0.0.1/32", "10.0.0.0/8").
    Raises ProxySettingError naming the first value that is not an address or a network."""
    networks = []
    for value in values:
        if value.strip() == "*":
            raise ProxySettingError(
                "ALLIANCE_TRUSTED_PROXIES cannot be '*': anyone could then claim to be a "
                "proxy and give any address and scheme; name the proxy's address or network"
            )
        try:
            networks.append(str(ipaddress.ip_network(value.strip(), strict=False)))
        except ValueError:
            raise ProxySettingError(
                f"ALLIANCE_TRUSTED_PROXIES: {value!r} is not an address or a network "
                "(e.g. 127.0.0.1, 10.0.0.0/8 or ::1; names are not looked up)"
            ) from None
    return tuple(networks)


@functools.lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in trusted)


def _address(text: str) -> Address | None:
    """An address as a header or the server gives it ("203.0.113.7", "::1",
    "[2001:db8::1]:4711", "203.0.113.7:4711"), or None when it is not one."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.split(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # An IPv4 peer of a server listening on IPv6 ("::ffff:127.0.0.1").
        return address.ipv4_mapped
    return address


def _trusted(address: Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def forwarded_client(forwarded_for: str, peer: Address, networks: tuple[Network, ...]) -> str:
    """The client's address from X-Forwarded-For as a trusted proxy passed it: the nearest
    address that is not itself a trusted proxy, read from the right, since each proxy
    appends the address it saw and only the entries added by trusted proxies are sure (the
    ones to their left are whatever the client sent). Stops at an entry that is not an
    address: the last sure one is then the client."""
    client: Address = peer
    for entry in reversed(forwarded_for.split(",")):
        address = _address(entry)
        if address is None:
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


def _last_value(header: str) -> str:
    # With several proxies, the last value is the one the nearest (trusted) proxy set.
    return header.split(",")[-1].strip().lower()


def believe_proxy(meta: dict[str, object], networks: tuple[Network, ...]) -> None:
    """Rewrite the request's address, scheme and host from a trusted proxy's headers."""
    peer = _address(str(meta.get("REMOTE_ADDR", "")))
    if peer is None:
        return
    forwarded_for = str(meta.get("HTTP_X_FORWARDED_FOR", ""))
    if forwarded_for.strip():
        meta["REMOTE_ADDR"] = forwarded_client(forwarded_for, peer, networks)
    scheme = _last_value(str(meta.get("HTTP_X_FORWARDED_PROTO", "")))
    if scheme in ("http", "https"):
        # Django's request.scheme reads this (the WSGI environ is request.META).
        meta["wsgi.url_scheme"] = scheme
    host = _last_value(str(meta.get("HTTP_X_FORWARDED_HOST", "")))
    if host:
        # Still checked against ALLOWED_HOSTS by request.get_host().
        meta["HTTP_HOST"] = host


class TrustedProxyMiddleware:
    """First in MIDDLEWARE: every later middleware and view sees the corrected request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        networks = _networks(tuple(settings.TRUSTED_PROXIES))
        if networks and _trusted(_address(str(meta.get("REMOTE_ADDR", ""))), networks):
            believe_proxy(meta, networks)
        for name in FORWARDING_HEADERS:
            meta.pop(name, None)
        return self.get_response(request)


def client_ip(request: HttpRequest) -> str:
    """The client's address for django-axes's lockout: REMOTE_ADDR as this middleware left
    it, never a forwarded-for header (AXES_CLIENT_IP_CALLABLE)."""
    return str(request.META.get("REMOTE_ADDR", ""))


def check_behind_proxy() -> None:
    """`alliance serve` in production: HTTPS is the proxy's, so without a trusted proxy
    every request would look like plain HTTP (redirected to HTTPS for ever, and a sign-in
    refused by the CSRF origin check)."""
    from django.core.exceptions import ImproperlyConfigured

    if settings.PRODUCTION and settings.SECURE_SSL_REDIRECT and not settings.TRUSTED_PROXIES:
        raise ImproperlyConfigured(
            "production serves HTTPS through a reverse proxy: set ALLIANCE_TRUSTED_PROXIES to "
            "its address (e.g. 127.0.0.1 when it runs on this host; see SECURITY.md)"
        )
