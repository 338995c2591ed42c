"""A page that writes commits once: the client page's audit entry (a read of a record) and
the renewal of the member's session are stored in one transaction (`renewing_session`), so
that either both are stored or neither, and SQLite syncs to disk once per page view, not
twice. A session changed after that transaction is still saved by the middleware."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.sessions.models import Session as BrowserSession
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client as Browser
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.audit.trail import record
from alliance.web.activity import POLL_HEADER, ActivityMiddleware, renewing_session

from ..cast import client_of, signed_in, srs

SOON = dt.timedelta(seconds=60)
# A statement that writes, and the table it writes to.
WRITE = re.compile(r'\s*(?:INSERT INTO|UPDATE|DELETE FROM) "?(\w+)"?', re.IGNORECASE)


def session_key(browser: Browser) -> str:
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


def expire_soon(key: str) -> dt.datetime:
    """Moves the stored session's expiry to a minute from now; returns it."""
    soon = (timezone.now() + SOON).replace(microsecond=0)
    assert BrowserSession.objects.filter(pk=key).update(expire_date=soon) == 1
    return soon


def expiry(key: str) -> dt.datetime:
    return BrowserSession.objects.get(pk=key).expire_date


def request_of(key: str, **headers: str) -> HttpRequest:
    request = RequestFactory().get("/clients/", headers=headers)
    request.session = SessionStore(session_key=key)
    return request


@pytest.mark.django_db(transaction=True)
def test_it_stores_the_chart_reads_audit_entry_and_the_session_renewal_in_one_commit(
    clinician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_of(clinician, "C-1", [(n, "srs", srs(9.0)) for n in range(1, 4)])
    browser = signed_in(clinician)
    key = session_key(browser)
    expire_soon(key)
    commits = []
    commit = connection.commit
    monkeypatch.setattr(connection, "commit", lambda: (commits.append(1), commit())[1])
    writes: list[tuple[str, bool]] = []

    def watch(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if written := WRITE.match(sql):
            writes.append((written.group(1), connection.in_atomic_block))
        return execute(sql, *args)

    with connection.execute_wrapper(watch):
        response = browser.get(f"/clients/{client.pk}/")
    assert response.status_code == 200
    # The entry, the audit head and the session, each written inside the one transaction.
    assert {table for table, _ in writes} == {
        "audit_auditevent", "audit_audithead", "django_session"
    }  # fmt: skip
    assert all(inside for _table, inside in writes)
    assert len(commits) == 1
    assert AuditEvent.objects.filter(client_id_at_time=client.pk, detail="chart").count() == 1
    assert expiry(key) > timezone.now() + dt.timedelta(minutes=29)
    # The browser is sent its cookie as after any save of the session.
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == key


@pytest.mark.django_db
def test_a_failure_in_the_block_stores_neither_the_entry_nor_the_renewal(
    clinician: User,
) -> None:
    key = session_key(signed_in(clinician))
    soon = expire_soon(key)
    request = request_of(key)
    with pytest.raises(RuntimeError), renewing_session(request):
        record("read", object_type="client", object_id=1, detail="failing read")
        raise RuntimeError("the page failed after its audit entry")
    assert not AuditEvent.objects.filter(detail="failing read").exists()
    assert expiry(key) == soon


@pytest.mark.django_db
def test_a_session_ended_meanwhile_takes_the_audit_entry_back_with_it(clinician: User) -> None:
    key = session_key(signed_in(clinician))
    request = request_of(key)
    request.session.load()  # as the authentication middleware read it
    BrowserSession.objects.filter(pk=key).delete()  # signed out in another tab meanwhile
    with pytest.raises(SessionInterrupted), renewing_session(request):
        record("read", object_type="client", object_id=1, detail="interrupted read")
    assert not AuditEvent.objects.filter(detail="interrupted read").exists()
    assert not BrowserSession.objects.filter(pk=key).exists()


@pytest.mark.django_db
def test_a_background_poll_writes_its_entry_and_leaves_the_session_as_it_was(
    clinician: User,
) -> None:
    key = session_key(signed_in(clinician))
    soon = expire_soon(key)
    with renewing_session(request_of(key, **{POLL_HEADER: "1"})):
        record("read", object_type="client", object_id=1, detail="polled read")
    assert AuditEvent.objects.filter(detail="polled read").count() == 1
    assert expiry(key) == soon


def through_middleware(key: str, view: Callable[[HttpRequest], HttpResponse]) -> HttpResponse:
    """`view` behind the session and activity middleware, as settings.py orders them."""
    request = RequestFactory().get("/clients/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = key
    return SessionMiddleware(ActivityMiddleware(view))(request)


@pytest.mark.django_db
def test_the_middleware_saves_the_session_once_unless_it_changed_after_the_transaction(
    clinician: User,
) -> None:
    key = session_key(signed_in(clinician))

    def page(request: HttpRequest) -> HttpResponse:
        with renewing_session(request):
            record("read", object_type="client", object_id=1, detail="page read")
        return HttpResponse("page")

    def page_then_change(request: HttpRequest) -> HttpResponse:
        page(request)
        request.session["after"] = "changed after the transaction"
        return HttpResponse("page")

    expire_soon(key)
    with CaptureQueriesContext(connection) as queries:
        through_middleware(key, page)
    saves = [q for q in queries if q["sql"].startswith('UPDATE "django_session"')]
    assert len(saves) == 1
    assert expiry(key) > timezone.now() + dt.timedelta(minutes=29)
    through_middleware(key, page_then_change)
    assert SessionStore(session_key=key)["after"] == "changed after the transaction"
