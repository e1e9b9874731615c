from django.db import migrations


def fill(apps, schema_editor):
    """Compute the stored signals of an existing database, as `manage.py recompute_signals`
    does (from the current definitions: run that command after later upgrades too). Only
    those whose tables exist at this point: the quarters' figures, added later, are filled
    by their own migration (0014)."""
    from objectives.models import TeamStanding
    from obstacles.models import recompute_open_obstacle_signals

    TeamStanding.objects.recompute()
    recompute_open_obstacle_signals()


class Migration(migrations.Migration):
    dependencies = [
        ("objectives", "0009_team_standing"),
        ("obstacles", "0007_stored_signals"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
