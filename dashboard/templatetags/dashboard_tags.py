"""Small helpers for the dashboard's templates: they shape figures the database computed."""

from django import template

from obstacles.models import Obstacle

register = template.Library()


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
