from django.db import migrations


def fill(apps, schema_editor):
    """Compute the stored signals of an existing database, as `manage.py recompute_signals`
    does (from the current definitions: run that command after later upgrades too)."""
    from objectives.models import TeamStanding
    from obstacles.models import recompute_signals

    TeamStanding.objects.recompute()
    recompute_signals()


class Migration(migrations.Migration):
    dependencies = [
        ("objectives", "0009_team_standing"),
        ("obstacles", "0007_stored_signals"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
