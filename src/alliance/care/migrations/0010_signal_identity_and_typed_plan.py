"""Signals keep their identity across recomputes (retired, not deleted); the measure plan
becomes a typed, validated object: stored windows move from {"target", "from", "to"} to
{"first", "last"} (the target was always the window's first session)."""

import alliance.care.fields
import alliance.care.models
from django.db import migrations, models


EVERY_SESSION = ("srs", "phq-9", "gad-7", "ors")
WINDOWED = ("wai-sr", "wai-sr-t")


def typed_plan(old):
    """A stored plan in the new shape; anything the new plan would refuse is left out (an
    unknown instrument, a backwards window) rather than failing the upgrade."""
    old = old if isinstance(old, dict) else {}
    every = [n for n in dict.fromkeys(old.get("every_session") or []) if n in EVERY_SESSION]
    windows = []
    for window in old.get("windows") or []:
        first = window.get("first", window.get("from"))
        last = window.get("last", window.get("to"))
        if window.get("instrument") in WINDOWED and isinstance(first, int) \
                and isinstance(last, int) and 1 <= first <= last <= 99:
            windows.append({"instrument": window["instrument"], "first": first, "last": last})
    return {"every_session": every or ["srs"], "windows": windows}


def old_plan(new):
    return {
        "every_session": list(new.get("every_session") or []),
        "windows": [
            {"instrument": w["instrument"], "target": w["first"], "from": w["first"],
             "to": w["last"]}
            for w in new.get("windows") or []
        ],
    }


def convert(apps, convert_one):
    Episode = apps.get_model("care", "Episode")
    for episode in Episode.objects.only("id", "measure_plan").iterator(chunk_size=500):
        episode.measure_plan = convert_one(episode.measure_plan)
        episode.save(update_fields=["measure_plan"])


def forwards(apps, schema_editor):
    convert(apps, typed_plan)


def backwards(apps, schema_editor):
    convert(apps, old_plan)


class Migration(migrations.Migration):

    dependencies = [
        ('care', '0009_signal_current'),
    ]

    operations = [
        migrations.AddField(
            model_name='signalrecord',
            name='retired_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='signalrecord',
            name='retired_reason',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name='episode',
            name='measure_plan',
            field=alliance.care.fields.MeasurePlanField(default=alliance.care.models.default_measure_plan),
        ),
        migrations.AddConstraint(
            model_name='signalrecord',
            constraint=models.UniqueConstraint(fields=('episode', 'session_number', 'kind', 'instrument'), name='one_signal'),
        ),
    ]
