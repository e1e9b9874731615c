"""The obstacle log as CSV: each column once, with its header (in the reader's language) and
its value for an obstacle; every cell safe to open in a spreadsheet."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from headway.people import display_name
from objectives.models import Objective

# A spreadsheet runs a cell starting with one of these as a formula: CSV cells that start
# with one are prefixed with an apostrophe, which spreadsheets show as text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def to_the_minute(moment):
    """A time in the organization's time zone, to the minute; "" for none."""
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else ""


def help_wanted(obstacle):
    """What help is asked for, and in what words."""
    asked = obstacle.get_help_wanted_display() if obstacle.help_wanted else ""
    return " — ".join(part for part in (asked, obstacle.help_detail) if part)


COLUMNS = [
    (_("ID"), lambda o: o.pk),
    (_("Title"), lambda o: o.title),
    (_("Team"), lambda o: o.team.name),
    (_("Kind"), lambda o: o.get_kind_display()),
    (_("Status"), lambda o: o.get_status_display()),
    (_("Severity"), lambda o: o.get_severity_display()),
    (_("Urgent"), lambda o: _("yes") if o.is_urgent else _("no")),
    (_("Blocked by"), lambda o: o.blocking_team.name if o.blocking_team else ""),
    (_("Owner"), lambda o: display_name(o.owner)),
    (_("Help wanted"), help_wanted),
    (_("Decide by"), lambda o: o.decide_by.isoformat() if o.decide_by else ""),
    (_("Opened"), lambda o: to_the_minute(o.opened_at)),
    (_("Closed"), lambda o: to_the_minute(o.closed_at)),
    (_("Last activity"), lambda o: to_the_minute(o.last_activity_at)),
    (_("Resolution"), lambda o: o.resolution),
    (_("Threatens"), lambda o: "; ".join(str(objective) for objective in o.threats)),
    (_("Link"), lambda o: o.full_url()),
]


def spreadsheet_safe(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def with_threats(obstacles):
    """The obstacles with the objectives each threatens, for the Threatens column."""
    threats = Objective.objects.select_related("quarter").order_by("title", "quarter__start")
    return obstacles.prefetch_related(
        Prefetch("threatened_objectives", queryset=threats, to_attr="threats")
    )


def rows(obstacles):
    """The header, then one row per obstacle (which needs its team, blocking team and owner
    selected, and `with_threats`), read from the database 500 at a time."""
    yield [spreadsheet_safe(header) for header, _value in COLUMNS]
    for obstacle in obstacles.iterator(chunk_size=500):
        yield [spreadsheet_safe(value(obstacle)) for _header, value in COLUMNS]
