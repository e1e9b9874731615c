from django.core.management.base import BaseCommand

from obstacles.models import Notification


class Command(BaseCommand):
    help = (
        "Send the e-mails a mail failure left unsent (urgent escalations, blocking teams "
        "told). Run it from cron "
        "every few minutes; it is safe to run several at once."
    )

    def handle(self, *args, **options):
        sent, failed = Notification.send_unsent()
        self.stdout.write(f"Notifications: {sent} sent, {failed} failed (left for a retry).")
