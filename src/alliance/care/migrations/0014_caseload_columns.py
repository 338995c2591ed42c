"""The caseload's columns stored with each client (the current episode's latest session and
its date, the latest SRS and outcome scores, when the episode ended), filled for existing
clients; `last_session` becomes the current episode's.

A frozen copy of `care.services.caseload_columns` as it stands at this migration (migrations
do not import services, whose models move on). The current episode: the open one (the latest
started), else the latest started of those ended.
"""

from django.db import migrations, models

from alliance.measures import get_definition
from alliance.monitoring.symptoms import is_case

OUTCOME_MEASURES = ("phq-9", "gad-7", "ors")


def outcome_cell(instrument, total):
    definition = get_definition(instrument)
    band = next((b.label for b in definition.bands if b.min <= total <= b.max), "")
    if not band and definition.caseness is not None:
        clinical = is_case(total, definition.caseness, definition.higher_is_better)
        band = "clinical range" if clinical else "non-clinical range"
    shown = f"{total:.{definition.scale.decimals}f}"
    return {"instrument": instrument, "label": definition.abbreviation, "total": total,
            "shown": shown[:-2] if shown.endswith(".0") else shown, "band": band}


def fill(apps, schema_editor):
    Client = apps.get_model("care", "Client")
    Episode = apps.get_model("care", "Episode")
    Session = apps.get_model("care", "Session")
    Administration = apps.get_model("care", "Administration")
    current = {}
    for episode in Episode.objects.order_by("id").iterator(chunk_size=500):
        key = (episode.ended_on is None, episode.started_on, episode.pk)
        held = current.get(episode.client_id)
        if held is None or key > held[0]:
            current[episode.client_id] = (key, episode)
    for client_id, (_key, episode) in current.items():
        last = Session.objects.filter(episode=episode).order_by("-number").first()
        forms = Administration.objects.filter(
            session__episode=episode, amended_by__isnull=True, respondent="client"
        ).order_by("-session__number", "-id")
        totals = {}
        for instrument in ("srs", *OUTCOME_MEASURES):
            found = forms.filter(instrument=instrument).values_list("total", flat=True).first()
            totals[instrument] = found
        # The plan field gives a typed plan; read it as plain data whatever it is.
        plan = episode.measure_plan
        plan = plan.every_session if hasattr(plan, "every_session") else plan["every_session"]
        Client.objects.filter(pk=client_id).update(
            last_session=last.number if last else None,
            last_session_on=last.held_on if last else None,
            latest_srs=totals["srs"],
            latest_outcomes=[outcome_cell(name, totals[name]) for name in plan
                             if name in OUTCOME_MEASURES and totals[name] is not None],
            episode_ended_on=episode.ended_on,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('care', '0013_administration_entered_from'),
    ]

    operations = [
        migrations.AddField(
            model_name='client',
            name='episode_ended_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='client',
            name='last_session_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='client',
            name='latest_outcomes',
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name='client',
            name='latest_srs',
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
