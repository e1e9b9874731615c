from django.db import migrations


def store_every_quarters_figures(apps, schema_editor):
    """The figures of every quarter, the organization's and each team's, as
    `manage.py recompute_signals` stores them: until then, the review would count them from
    the obstacles on every page. A migration of its own: rows inserted where the table
    changed in the same transaction would keep PostgreSQL from indexing it."""
    from obstacles.models import store_quarter_figures

    store_quarter_figures(apps.get_model("objectives", "Quarter").objects.order_by("pk"))


class Migration(migrations.Migration):
    dependencies = [
        ("obstacles", "0013_team_quarter_figures"),
    ]

    operations = [
        migrations.RunPython(store_every_quarters_figures, migrations.RunPython.noop),
    ]
