"""Registrations are confirmed by mail: a pending status (the new default), the moment of
confirmation (the waiting list's order), and the reason a registration books several seats."""

from django.db import migrations, models
from django.db.models import F


def confirmed_when_registered(apps, schema_editor):
    # Registrations made before this change were confirmed the moment they were made.
    Registration = apps.get_model("events", "Registration")
    Registration.objects.filter(status__in=["bevestigd", "wachtlijst"]).update(confirmed_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_search_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="confirmed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="confirmed at"),
        ),
        migrations.AddField(
            model_name="registration",
            name="group_reason",
            field=models.TextField(
                blank=True,
                help_text="Given by the registrant for a group: why one registration books several seats.",
                max_length=300,
                verbose_name="who comes along",
            ),
        ),
        migrations.AlterField(
            model_name="registration",
            name="status",
            field=models.CharField(
                choices=[
                    ("onbevestigd", "Not confirmed yet"),
                    ("bevestigd", "Confirmed"),
                    ("wachtlijst", "On the waiting list"),
                    ("geannuleerd", "Cancelled"),
                ],
                default="onbevestigd",
                max_length=12,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(confirmed_when_registered, migrations.RunPython.noop),
    ]
