"""How long ago, said the way a person says it: "today", "just now", never "0 days ago".

Built into every template (settings.TEMPLATES builtins), in English and French.
"""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext

register = template.Library()

# Under this, "just now": Django's timesince would say "0 minutes".
JUST_NOW = timedelta(minutes=1)


@register.filter
def days_ago(days):
    """A whole number of days before today: "today", "yesterday", "3 days ago"."""
    if days is None or days == "":
        return ""
    days = int(days)
    if days <= 0:
        return gettext("today")
    if days == 1:
        return gettext("yesterday")
    return ngettext("%(count)d day ago", "%(count)d days ago", days) % {"count": days}


@register.filter
def ago(moment, now=None):
    """A moment in the past: "just now" within a minute, else "5 minutes ago", "2 days, 3
    hours ago" (the two largest units, as Django's timesince gives them)."""
    if not moment:
        return ""
    now = now or timezone.now()
    if now - moment < JUST_NOW:
        return gettext("just now")
    # Translators: how long ago something happened, e.g. "5 minutes ago".
    return gettext("%(time)s ago") % {"time": timesince(moment, now)}
