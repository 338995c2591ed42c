"""The caseload's columns, stored with each client as its forms change: the current
episode's latest session and its date, the latest SRS, the latest score of each outcome
measure of the plan with its band; and the migration that fills them for existing clients."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from alliance.care.models import Administration, Client
from alliance.care.services.administrations import record_administration
from alliance.care.services.caseload_columns import caseload_columns, outcome_cell

from ..cast import DAY, client_of, phq9, srs


@pytest.mark.django_db
def test_the_latest_of_each_measure_is_stored_with_the_client(clinician: User) -> None:
    client = client_of(clinician, "L-1", [(1, "srs", srs(9.0)), (1, "phq-9", phq9(0)),
                                          (1, "gad-7", {str(n): 3 for n in range(1, 8)}),
                                          (2, "srs", srs(8.0)), (3, "phq-9", phq9(1))])  # fmt: skip
    client.refresh_from_db()
    assert (client.last_session, client.last_session_on) == (3, DAY + dt.timedelta(weeks=3))
    assert client.latest_srs == 32.0  # session 2's: none at session 3
    assert [(o["label"], o["shown"], o["band"]) for o in client.latest_outcomes] == [
        ("PHQ-9", "9", "mild"), ("GAD-7", "21", "severe")
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_corrected_srs_is_the_one_shown(clinician: User) -> None:
    client = client_of(clinician, "L-2", [(1, "srs", srs(9.0))])
    original = Administration.objects.get(session__episode__client=client)
    record_administration(session=original.session, instrument="srs", answers=srs(6.0),
                          amends=original, reason="typed the wrong line")  # fmt: skip
    client.refresh_from_db()
    assert client.latest_srs == 24.0


@pytest.mark.django_db
def test_the_columns_of_many_clients_take_one_query(
    clinician: User, django_assert_num_queries: object
) -> None:
    ids = [client_of(clinician, f"M-{n}", [(1, "srs", srs(9.0))]).pk for n in range(12)]
    with django_assert_num_queries(1):  # type: ignore[operator]
        columns = caseload_columns(ids)
    assert {c.latest_srs for c in columns.values()} == {36.0} and len(columns) == 12


def test_each_outcome_shows_its_band_or_its_range() -> None:
    assert outcome_cell("phq-9", 15.0)["band"] == "moderately severe"
    assert outcome_cell("gad-7", 4.0)["band"] == "minimal"
    ors = outcome_cell("ors", 24.9)
    assert (ors["label"], ors["shown"], ors["band"]) == ("ORS", "24.9", "clinical range")
    assert outcome_cell("ors", 25.0)["band"] == "non-clinical range"


@pytest.mark.django_db(transaction=True)
def test_the_caseload_columns_migration_fills_each_clients_columns() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("care", "0013_administration_entered_from")]
    after = [("care", "0014_caseload_columns")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    user = apps.get_model("auth", "User").objects.create(username="m4")
    organization = apps.get_model("care", "Organization").objects.create(name="O", slug="o4")
    client = apps.get_model("care", "Client").objects.create(
        organization=organization, clinician=user, code="M-4", last_session=5
    )
    episodes = apps.get_model("care", "Episode").objects
    sessions = apps.get_model("care", "Session").objects
    forms = apps.get_model("care", "Administration").objects
    ended = episodes.create(client=client, started_on="2025-01-06", ended_on="2025-03-03",
                            measure_plan={"every_session": ["srs", "ors"]})  # fmt: skip
    for number in (1, 2, 3, 4, 5):
        sessions.create(episode=ended, number=number, held_on="2025-01-06")
    plan = {"every_session": ["srs", "phq-9", "gad-7"]}
    current = episodes.create(client=client, started_on="2026-01-05", measure_plan=plan)
    first = sessions.create(episode=current, number=1, held_on="2026-01-05")
    second = sessions.create(episode=current, number=2, held_on="2026-01-12")
    for session, instrument, total in ((first, "srs", 30.0), (first, "phq-9", 16.0),
                                       (second, "srs", 36.0)):  # fmt: skip
        forms.create(session=session, instrument=instrument, respondent="client", score={},
                     total=total)  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps
    filled = apps.get_model("care", "Client").objects.get(pk=client.pk)
    assert (filled.last_session, filled.last_session_on) == (2, dt.date(2026, 1, 12))
    assert (filled.latest_srs, filled.episode_ended_on) == (36.0, None)
    assert [(o["label"], o["shown"], o["band"]) for o in filled.latest_outcomes] == [
        ("PHQ-9", "16", "moderately severe")
    ]
    call_command("migrate", verbosity=0)
    assert Client.objects.get(pk=client.pk).latest_srs == 36.0
