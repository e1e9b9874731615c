"""The escalation e-mails move from the obstacles' own outbox onto the job queue: e-mails the
outbox had not sent yet are queued there (headway.Email and a send job each), then the
outbox goes."""

from django.db import migrations
from django.utils.html import escape, linebreaks

DEFER = """
SELECT procrastinate_defer_jobs_v1(ARRAY[
    ROW('default', 'headway.send_email', 0, NULL, NULL, %s::jsonb, NULL)
]::procrastinate_job_to_defer_v1[])
"""


def queue_unsent(apps, schema_editor):
    Notification = apps.get_model("obstacles", "Notification")
    Email = apps.get_model("headway", "Email")
    Preference = apps.get_model("headway", "Preference")
    unsent = Notification.objects.filter(sent_at__isnull=True).select_related("recipient")
    with schema_editor.connection.cursor() as cursor:
        for notification in unsent:
            recipient = notification.recipient
            if not recipient.email:
                continue
            language = (
                Preference.objects.filter(user=recipient).values_list("language", flat=True).first()
            )
            email = Email.objects.create(
                key=f"escalation:outbox:{notification.pk}",
                kind="escalation",
                recipient=recipient,
                to=recipient.email,
                language=language or "en",
                subject=notification.subject,
                text_body=notification.body,
                html_body=linebreaks(escape(notification.body)),
                attempts=notification.attempts,
                last_error=notification.last_error,
                queued_at=notification.created_at,
            )
            cursor.execute(DEFER, [f'{{"email_id": {email.pk}}}'])


class Migration(migrations.Migration):

    dependencies = [
        ("obstacles", "0005_dates_on_calendar"),
        ("headway", "0005_email_preferences_schedule"),
        ("procrastinate", "0041_post_retry_failed_job"),
    ]

    operations = [
        migrations.RunPython(queue_unsent, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="notification",
            name="notification_unsent",
        ),
        migrations.DeleteModel(
            name="Notification",
        ),
    ]
