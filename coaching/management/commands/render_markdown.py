from django.core.management.base import BaseCommand

from coaching.models import Learning, OneOnOne


class Command(BaseCommand):
    help = (
        "Render every learning's and every 1:1's Markdown again and store it sanitized. Run it "
        "after an upgrade that changes the renderer or what it allows (coaching/markdown.py)."
    )

    def handle(self, *args, **options):
        learnings = Learning.objects.render_bodies()
        self.stdout.write(f"Learnings: {learnings} rendered again, the others were up to date.")
        one_on_ones = OneOnOne.objects.render_notes()
        self.stdout.write(f"1:1 notes: {one_on_ones} rendered again, the others were up to date.")
