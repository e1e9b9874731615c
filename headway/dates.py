"""The dates and times a person may enter, in one place.

Two rules. Every date or time typed in a form or in the administration falls within the
years Headway's pages can show and compute with (`validate_on_calendar`, held by the
database through `days_on_calendar` and `moments_on_calendar`): a timestamp before year 1
in the organization's time zone cannot even be read back, one in year 9999 overflows the
week added to it. And a date that plans something (a 1:1, a due date, a decision) lies
between today and a year from now (`validate_plannable`), so that a mistyped year is
caught where it is typed.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)
# The same bounds as instants: from the start of FIRST_DAY to the end of LAST_DAY, in UTC.
FIRST_MOMENT = datetime.datetime(FIRST_DAY.year, 1, 1, tzinfo=datetime.UTC)
END_MOMENT = datetime.datetime(LAST_DAY.year + 1, 1, 1, tzinfo=datetime.UTC)
# How far ahead a 1:1, a due date or a decision may be planned.
PLANNING_HORIZON = datetime.timedelta(days=366)


def is_on_calendar(value):
    """True for a date, or an aware datetime, within FIRST_DAY..LAST_DAY."""
    if isinstance(value, datetime.datetime):
        return FIRST_MOMENT <= value < END_MOMENT
    return FIRST_DAY <= value <= LAST_DAY


def validate_on_calendar(value):
    """The field validator of every date and time a person enters (None: left empty)."""
    if value is not None and not is_on_calendar(value):
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="off_calendar",
            params={
                "first": formats.date_format(FIRST_DAY),
                "last": formats.date_format(LAST_DAY),
            },
        )


def validate_plannable(value, today=None):
    """A date, or a datetime, that plans something: from today to a year from today."""
    if value is None:
        return
    validate_on_calendar(value)
    today = today or timezone.localdate()
    day = timezone.localdate(value) if isinstance(value, datetime.datetime) else value
    if day < today:
        raise ValidationError(_("This day has passed: pick today or a later day."), code="past")
    if day > today + PLANNING_HORIZON:
        raise ValidationError(
            _("Pick a day within a year from today, until %(last)s."),
            code="too_far",
            params={"last": formats.date_format(today + PLANNING_HORIZON)},
        )


def days_on_calendar(model_name, *fields):
    """The database's own check of `validate_on_calendar`, one per date field, whatever
    writes the row (a form, the admin, a script)."""
    return [_on_calendar(model_name, name, FIRST_DAY, LAST_DAY, "lte") for name in fields]


def moments_on_calendar(model_name, *fields):
    """`days_on_calendar` for datetime fields."""
    return [_on_calendar(model_name, name, FIRST_MOMENT, END_MOMENT, "lt") for name in fields]


def _on_calendar(model_name, name, first, last, below):
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True})
        | Q(**{f"{name}__gte": first, f"{name}__{below}": last}),
        name=f"{model_name}_{name}_on_calendar",
    )
