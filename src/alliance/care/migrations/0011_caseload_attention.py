"""Each client's place on the caseload, stored with the client, filled for existing clients.

A frozen copy of the rule in `care.services.caseload.attention_of` as it stands at this
migration (migrations do not import services, whose models move on): a safety signal not
acted on first, then a warning at the latest session with forms, by the monitoring core's
order of kinds.
"""

from django.db import migrations, models
from django.db.models import Exists, Max, OuterRef, Q

from alliance.monitoring.priority import KIND_ORDER

SEVERITY = {"urgent": 0, "warning": 1}


def fill(apps, schema_editor):
    Client = apps.get_model("care", "Client")
    SignalRecord = apps.get_model("care", "SignalRecord")
    Acknowledgement = apps.get_model("care", "SignalAcknowledgement")
    acted_on = Acknowledgement.objects.filter(
        episode=OuterRef("episode"), session_number=OuterRef("session_number"),
        kind=OuterRef("kind"), instrument=OuterRef("instrument"),
    )
    signals = (
        SignalRecord.objects.filter(retired_at__isnull=True)
        .annotate(acknowledged=Exists(acted_on))
        .filter(Q(current=True, severity="warning") | Q(severity="urgent", acknowledged=False))
        .values_list("episode__client_id", "kind", "severity", "instrument")
    )
    pressing = {}
    for client_id, kind, severity, instrument in signals:
        rank = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
        pressing.setdefault(client_id, []).append((SEVERITY[severity], rank, instrument, kind))
    latest = Client.objects.annotate(latest=Max("episodes__sessions__number"))
    for client in latest.only("id").iterator(chunk_size=500):
        found = sorted(pressing.get(client.pk, []))
        fields = {"last_session": client.latest}
        if found:
            severity, rank, _instrument, kind = found[0]
            also = [k for k in dict.fromkeys(f[3] for f in found[1:]) if k != kind]
            fields |= {"attention": severity, "headline_rank": rank, "headline_kind": kind,
                       "headline_severity": "urgent" if severity == 0 else "warning",
                       "also_kinds": also}
        Client.objects.filter(pk=client.pk).update(**fields)

from django.conf import settings

class Migration(migrations.Migration):

    dependencies = [
        ('care', '0010_signal_identity_and_typed_plan'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='client',
            name='also_kinds',
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name='client',
            name='attention',
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.AddField(
            model_name='client',
            name='headline_kind',
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name='client',
            name='headline_rank',
            field=models.PositiveSmallIntegerField(default=99),
        ),
        migrations.AddField(
            model_name='client',
            name='headline_severity',
            field=models.CharField(blank=True, max_length=10),
        ),
        migrations.AddField(
            model_name='client',
            name='last_session',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='client',
            index=models.Index(fields=['clinician', 'organization', 'attention', 'headline_rank', 'code'], name='caseload_order'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
