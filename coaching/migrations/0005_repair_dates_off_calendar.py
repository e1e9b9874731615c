"""Rows saved before dates were checked may hold a date no page can show: a 1:1 moved to year
1 (which the database keeps as 1 BC in Europe/Paris) broke every page of its pair. Each such
date is set back to the nearest sensible one before the next migration makes the database
refuse them: a 1:1 to when it was held or created, a due date to none."""

from django.db import migrations


def off_calendar(column):
    return f"NOT ({column} >= '2000-01-01 00:00+00' AND {column} < '2100-01-01 00:00+00')"


REPAIRS = [
    f"UPDATE coaching_oneonone SET held_at = CASE WHEN {off_calendar('scheduled_for')} "
    f"THEN created_at ELSE scheduled_for END WHERE {off_calendar('held_at')}",
    f"UPDATE coaching_oneonone SET scheduled_for = COALESCE(held_at, created_at) "
    f"WHERE {off_calendar('scheduled_for')}",
    "UPDATE coaching_actionitem SET due_date = NULL "
    "WHERE NOT (due_date BETWEEN '2000-01-01' AND '2099-12-31')",
    f"UPDATE coaching_actionitem SET created_at = now() WHERE {off_calendar('created_at')}",
    f"UPDATE coaching_actionitem SET done_at = created_at WHERE {off_calendar('done_at')}",
    f"UPDATE coaching_talkingpoint SET created_at = now() WHERE {off_calendar('created_at')}",
    f"UPDATE coaching_learning SET created_at = now() WHERE {off_calendar('created_at')}",
]


class Migration(migrations.Migration):
    dependencies = [("coaching", "0004_one_on_one_times_moved")]

    operations = [migrations.RunSQL(REPAIRS, reverse_sql=migrations.RunSQL.noop)]
