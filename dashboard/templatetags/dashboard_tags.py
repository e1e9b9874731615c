"""Small helpers for the dashboard's templates: they shape figures the database computed."""

from django import template
from django.template.defaulttags import querystring
from django.utils.formats import number_format
from django.utils.translation import ngettext

from obstacles.models import Decision, Obstacle

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, parameter, number):
    """The page's query string with the page number `parameter` (one paged table's of
    several on the page) set to `number`."""
    return querystring(context, context.request.GET, {parameter: number})


@register.filter
def open_by_kind(team):
    """The kinds of the team's open obstacles, with their counts (from
    `with_obstacle_counts`), leaving out the kinds it has none of."""
    kinds = (
        {"kind": kind, "label": label, "count": getattr(team, f"open_{kind}_count", 0)}
        for kind, label in Obstacle.Kind.choices
    )
    return [kind for kind in kinds if kind["count"]]


@register.filter
def whole_days(duration):
    """A duration as whole days (None stays None)."""
    return None if duration is None else duration.days


@register.filter
def span(duration):
    """A time taken, said in the largest unit that keeps it readable: "5 hours" under a
    day, else "2.5 days" (one decimal); "" for none."""
    if duration is None:
        return ""
    hours = duration.total_seconds() / 3600
    if hours < 24:
        count = round(hours)
        return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}
    # One decimal, none when it is whole: "2.5 days", "3 days", "1 day".
    days = round(hours / 24, 1)
    whole = days == int(days)
    count = int(days) if whole else 2
    return ngettext("%(days)s day", "%(days)s days", count) % {
        "days": number_format(int(days) if whole else days, 0 if whole else 1)
    }


@register.filter
def kind_label(kind):
    """An obstacle kind's name, in the reader's language."""
    return Obstacle.Kind(kind).label


@register.filter
def decision_label(state):
    """Where a decision stands (obstacles.models.Decision), in the reader's language."""
    return Decision(state).label
