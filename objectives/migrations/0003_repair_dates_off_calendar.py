"""Dates saved before they were checked: a check-in off the calendar is set back to noon of
its quarter's first day. A quarter off the calendar cannot be guessed right, so the migration
stops and names it, for an administrator to correct before migrating again."""

from django.db import migrations

FIRST_DAY, LAST_DAY = "2000-01-01", "2099-12-31"


def refuse_quarters_off_calendar(apps, schema_editor):
    Quarter = apps.get_model("objectives", "Quarter")
    off = Quarter.objects.exclude(
        start__range=(FIRST_DAY, LAST_DAY), end__range=(FIRST_DAY, LAST_DAY)
    )
    labels = ", ".join(off.values_list("label", flat=True))
    if labels:
        raise RuntimeError(
            f"Quarters {labels} have days outside {FIRST_DAY}..{LAST_DAY}. Correct their "
            "first and last days in the administration, then migrate again."
        )


REPAIR_CHECK_INS = """
    UPDATE objectives_checkin SET created_at = (quarter.start + time '12:00') AT TIME ZONE 'UTC'
    FROM objectives_keyresult key_result
    JOIN objectives_objective objective ON objective.id = key_result.objective_id
    JOIN objectives_quarter quarter ON quarter.id = objective.quarter_id
    WHERE objectives_checkin.key_result_id = key_result.id
      AND NOT (objectives_checkin.created_at >= '2000-01-01 00:00+00'
               AND objectives_checkin.created_at < '2100-01-01 00:00+00')
"""


class Migration(migrations.Migration):
    dependencies = [("objectives", "0002_check_in_corrections_and_percent_range")]

    operations = [
        migrations.RunPython(refuse_quarters_off_calendar, migrations.RunPython.noop),
        migrations.RunSQL(REPAIR_CHECK_INS, reverse_sql=migrations.RunSQL.noop),
    ]
