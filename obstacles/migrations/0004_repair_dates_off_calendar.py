"""Dates saved before they were checked, set back to sensible ones before the next migration
makes the database refuse them: an obstacle opened or closed off the calendar to now (or to
its opening), a decision due off the calendar to the day the obstacle was opened."""

from django.db import migrations


def off_calendar(column):
    return f"NOT ({column} >= '2000-01-01 00:00+00' AND {column} < '2100-01-01 00:00+00')"


REPAIRS = [
    f"UPDATE obstacles_obstacle SET opened_at = now() WHERE {off_calendar('opened_at')}",
    f"UPDATE obstacles_obstacle SET closed_at = opened_at WHERE {off_calendar('closed_at')}",
    "UPDATE obstacles_obstacle SET decide_by = (opened_at AT TIME ZONE 'UTC')::date "
    "WHERE NOT (decide_by BETWEEN '2000-01-01' AND '2099-12-31')",
]


class Migration(migrations.Migration):
    dependencies = [("obstacles", "0003_log_order_indexes")]

    operations = [migrations.RunSQL(REPAIRS, reverse_sql=migrations.RunSQL.noop)]
