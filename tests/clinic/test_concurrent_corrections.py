"""Ten corrections of one stored form sent at once (a double click, several tabs): one is
stored, the others are refused in words, none is a server error. Real concurrent requests,
each thread with its own database connection: on PostgreSQL (DATABASE_URL) they wait on the
form's row lock; on SQLite writing transactions run one at a time."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from alliance.audit.models import AuditEvent
from alliance.care.models import Administration
from alliance.care.services.administrations import record_administration
from alliance.care.services.sessions import start_session

from ..cast import client_of, signed_in

TRIES = 10


@pytest.mark.django_db(transaction=True)
def test_ten_corrections_at_once_store_one_and_refuse_the_others(clinician: User) -> None:
    session = start_session(client=client_of(clinician, "R-1"), held_on=dt.date(2026, 3, 2))
    original = record_administration(session=session, instrument="srs",
                                     answers={"1": 9.5, "2": 9.0, "3": 3.0, "4": 9.2})  # fmt: skip
    browsers = [signed_in(clinician) for _ in range(TRIES)]
    start = threading.Barrier(TRIES)
    answers: dict[int, Any] = {}
    # The app's SQLite is a file in WAL mode whose writing transactions queue (IMMEDIATE, with
    # a busy timeout); the test suite's SQLite is in memory with a shared cache, which fails a
    # second writer at once instead of queueing it. There the requests queue here, as the
    # app's file database queues them; on PostgreSQL they run truly at once.
    queue = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()

    def correct(n: int) -> None:
        try:
            start.wait(timeout=30)
            posted = {"srs-1": "9.5", "srs-2": "9.0", "srs-3": f"{n % 10}.0", "srs-4": "9.2",
                      "reason": f"typing slip, tab {n}"}  # fmt: skip
            with queue:
                answers[n] = browsers[n].post(f"/forms/{original.pk}/correct/", posted)
        except Exception as exc:  # reported in the answers, not lost in the thread
            answers[n] = exc
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=correct, args=(n,)) for n in range(TRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    statuses = sorted(
        answer.status_code if hasattr(answer, "status_code") else repr(answer)
        for answer in answers.values()
    )
    assert statuses == [302] + [409] * (TRIES - 1), (connection.vendor, statuses)
    refusals = [a.content.decode() for a in answers.values() if a.status_code == 409]
    assert len(refusals) == TRIES - 1
    assert all("this form was corrected meanwhile" in page for page in refusals)
    corrections = Administration.objects.filter(amends=original)
    assert corrections.count() == 1
    assert AuditEvent.objects.filter(detail=f"amends form {original.pk}").count() == 1
