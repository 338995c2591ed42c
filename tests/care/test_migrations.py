"""The models and the migrations agree, and `alliance manage` reaches Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_it_has_a_migration_for_every_model_change() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_it_migrates_a_fresh_sqlite_database_in_wal_mode(tmp_path: Path) -> None:
    alliance = Path(sys.executable).with_name("alliance")
    env = {"ALLIANCE_DATA_DIR": str(tmp_path / "data"), "PATH": str(alliance.parent)}
    done = subprocess.run([str(alliance), "manage", "migrate", "--noinput"], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    database = tmp_path / "data" / "alliance.sqlite3"
    assert database.is_file()
    import sqlite3

    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"care_administration", "care_signalrecord", "care_client"} <= tables


@pytest.mark.django_db(transaction=True)
def test_the_signal_current_migration_flags_each_episodes_latest_session() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("care", "0008_break_glass")], [("care", "0009_signal_current")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    user = apps.get_model("auth", "User").objects.create(username="m1")
    organization = apps.get_model("care", "Organization").objects.create(name="O", slug="o")
    client = apps.get_model("care", "Client").objects.create(
        organization=organization, clinician=user, code="M-1"
    )
    episode = apps.get_model("care", "Episode").objects.create(
        client=client, started_on="2026-01-05"
    )
    session_model = apps.get_model("care", "Session")
    for number in (1, 2, 3):  # session 3 started, no forms yet
        session = session_model.objects.create(episode=episode, number=number,
                                               held_on="2026-01-05")  # fmt: skip
        if number < 3:
            apps.get_model("care", "Administration").objects.create(
                session=session, instrument="srs", respondent="client", score={}, total=30.0
            )
    signals = apps.get_model("care", "SignalRecord").objects
    for number in (1, 2):
        signals.create(episode=episode, session_number=number, kind="alliance_concern",
                       instrument="srs", severity="warning", rule="", evidence={},
                       explanation="", suggested_action="")  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps
    flagged = apps.get_model("care", "SignalRecord").objects.values_list(
        "session_number", "current"
    )
    assert sorted(flagged) == [(1, False), (2, True)]
    call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_typed_plan_migration_converts_stored_plans_and_back() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from alliance.care.measure_plan import MeasurePlan

    before = [("care", "0009_signal_current")]
    after = [("care", "0010_signal_identity_and_typed_plan")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    user = apps.get_model("auth", "User").objects.create(username="m2")
    organization = apps.get_model("care", "Organization").objects.create(name="O", slug="o2")
    client = apps.get_model("care", "Client").objects.create(
        organization=organization, clinician=user, code="M-2"
    )
    old = {"every_session": ["srs", "ors", "srs"],
           "windows": [{"instrument": "wai-sr", "target": 3, "from": 3, "to": 4},
                       {"instrument": "wai-sr-t", "target": 8, "from": 8, "to": 10},
                       {"instrument": "wai-sr", "target": 9, "from": 9, "to": 2}]}  # fmt: skip
    episode = apps.get_model("care", "Episode").objects.create(
        client=client, started_on="2026-01-05", measure_plan=old
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    from alliance.care.models import Episode

    plan = Episode.objects.get(pk=episode.pk).measure_plan
    assert isinstance(plan, MeasurePlan)
    assert plan.every_session == ("srs", "ors")
    assert [(w.instrument, w.first, w.last) for w in plan.windows] == [
        ("wai-sr", 3, 4), ("wai-sr-t", 8, 10),  # the backwards window is left out
    ]  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    back = apps.get_model("care", "Episode").objects.get(pk=episode.pk).measure_plan
    assert back["windows"][0] == {"instrument": "wai-sr", "target": 3, "from": 3, "to": 4}
    call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_caseload_migration_fills_each_clients_place() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("care", "0010_signal_identity_and_typed_plan")]
    after = [("care", "0011_caseload_attention")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    user = apps.get_model("auth", "User").objects.create(username="m3")
    organization = apps.get_model("care", "Organization").objects.create(name="O", slug="o3")
    clients = apps.get_model("care", "Client").objects
    harm = clients.create(organization=organization, clinician=user, code="M-harm")
    calm = clients.create(organization=organization, clinician=user, code="M-calm")
    for client, kind, severity in ((harm, "self_harm_risk", "urgent"),
                                   (harm, "alliance_concern", "warning"),
                                   (calm, "alliance_drop", "info")):  # fmt: skip
        episode = apps.get_model("care", "Episode").objects.create(
            client=client, started_on="2026-01-05"
        )
        apps.get_model("care", "Session").objects.create(
            episode=episode, number=2, held_on="2026-01-05"
        )
        apps.get_model("care", "SignalRecord").objects.create(
            episode=episode, session_number=2, kind=kind, instrument="srs", severity=severity,
            rule="", evidence={}, explanation="", suggested_action="", current=True,
        )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    # The model as it stands after that migration (later ones add fields).
    client_model = (
        MigrationExecutor(connection).loader.project_state(after).apps.get_model("care", "Client")
    )
    filled = {c.code: c for c in client_model.objects.all()}
    assert (filled["M-harm"].attention, filled["M-harm"].headline_kind) == (0, "self_harm_risk")
    assert filled["M-harm"].also_kinds == ["alliance_concern"]
    assert filled["M-harm"].last_session == 2
    assert (filled["M-calm"].attention, filled["M-calm"].headline_kind) == (2, "")
    call_command("migrate", verbosity=0)
