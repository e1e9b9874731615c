from django.core.management.base import BaseCommand

from coaching.models import Learning


class Command(BaseCommand):
    help = (
        "Render every learning's Markdown again and store it sanitized. Run it after an "
        "upgrade that changes the renderer or what it allows (coaching/markdown.py)."
    )

    def handle(self, *args, **options):
        changed = Learning.objects.render_bodies()
        self.stdout.write(f"Learnings: {changed} rendered again, the others were up to date.")
