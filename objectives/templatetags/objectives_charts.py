"""Server-rendered SVG charts: a key result's progress line and a pace bar.

The numbers come from the database (progress annotations); these tags only place them.
"""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from headway.rows import row_html, translated
from objectives.models import CheckIn, KeyResult, Pace

register = template.Library()

LINE_WIDTH, LINE_HEIGHT, LINE_PAD = 160, 40, 4


def whole_percent(ratio):
    """A 0..1 ratio as a whole percentage (0.456 → 46); None for no value."""
    if ratio in (None, ""):
        return None
    return int((Decimal(ratio) * 100).quantize(Decimal(1)))


def with_percent_sign(number):
    """`number` (already formatted) with the percent sign, written as the reader's language
    writes it: 46% in English, 46 % in French (a narrow no-break space, which never wraps)."""
    # Translators: a percentage. French puts a narrow no-break space (U+202F) before the sign.
    return gettext("%(number)s%%") % {"number": number}


@register.filter
def percentage(ratio):
    """A 0..1 ratio as a whole percentage for the reader: "46%", "46 %" in French; empty
    for no value."""
    number = whole_percent(ratio)
    return "" if number is None else with_percent_sign(number)


@register.filter
def in_unit(value, key_result):
    """A key result's value as the reader's language writes it, thousands grouped: an
    amount with its cents when it has any (35,250.50), other figures with the decimals
    they need, at most two (3.5, 3,5 in French), a percentage with its sign."""
    if value in (None, ""):
        return ""
    value = Decimal(str(value))
    if key_result.unit == KeyResult.Unit.CURRENCY:
        # floatformat's "-2": the cents, rounded half up, unless it is a whole amount.
        places = 0 if value == value.to_integral_value() else 2
        value = value.quantize(CENTS if places else UNITS, ROUND_HALF_UP)
    else:
        value = value.quantize(CENTS).normalize()
        places = max(0, -value.as_tuple().exponent)
    number = grouped(value, places)
    if key_result.unit == KeyResult.Unit.PERCENT:
        return with_percent_sign(number)
    return number


CENTS, UNITS = Decimal("0.01"), Decimal(1)


def grouped(value, places):
    """`value` (a Decimal of at most `places` decimals) as floatformat's "g" writes it: the
    reader's decimal separator, thousands grouped (Django's number_format, as floatformat
    calls it), without floatformat's conversions (a team page writes some ninety values)."""
    # A zero is never negative (-0.00), as floatformat writes it.
    digits = f"{value if value else abs(value):.{places}f}"
    return SafeString(number_format(digits, places, use_l10n=True, force_grouping=True))


def _clamp(share):
    return max(0.0, min(1.0, share))


# The line is drawn here rather than by an included template: the team page draws one for
# each key result. Coordinates are numbers for SVG, written as Python writes them (0.5), never
# the reader's way (0,5).
PROGRESS_LINE = (
    '<svg class="progress-line" viewBox="0 0 {width} {height}" width="{width}" '
    'height="{height}" role="img" aria-label="{label}">\n'
    '  <line class="progress-line-frame" x1="{x1}" y1="{bottom}" x2="{x2}" y2="{bottom}" '
    'vector-effect="non-scaling-stroke"/>\n'
    '  <line class="progress-line-expected" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" '
    'vector-effect="non-scaling-stroke"/>\n'
    "{today}"
    '  <polyline class="progress-line-actual" points="{points}" '
    'vector-effect="non-scaling-stroke"/>\n'
    '  <circle class="progress-line-point" cx="{last_x}" cy="{last_y}" r="3"/>\n'
    "</svg>"
)
PROGRESS_LINE_TODAY = (
    '  <line class="progress-line-today" x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" '
    'vector-effect="non-scaling-stroke"/>\n'
)


@register.simple_tag
def progress_line(key_result, quarter, today=None):
    """The key result's check-ins as a line across its quarter, with the expected pace (a
    straight line from start to target) and today's position. Needs check-ins prefetched
    with `CheckIn.objects.with_progress()`, oldest first."""
    today = today or timezone.localdate()
    span = max(quarter.days - 1, 1)
    inner_w, inner_h = LINE_WIDTH - 2 * LINE_PAD, LINE_HEIGHT - 2 * LINE_PAD
    top, bottom = LINE_PAD, LINE_HEIGHT - LINE_PAD

    def x(day):
        return round(LINE_PAD + inner_w * _clamp((day - quarter.start).days / span), 1)

    def y(progress):
        return round(LINE_PAD + inner_h * (1 - float(progress)), 1)

    check_ins = list(key_result.check_ins.all())
    zone = timezone.get_current_timezone()
    points = [(x(quarter.start), y(0))] + [
        (x(c.created_at.astimezone(zone).date()), y(c.progress)) for c in check_ins
    ]
    label = ngettext(
        "Progress line from %(counter)s check-in: now %(progress)s, expected %(expected)s by today",
        "Progress line from %(counter)s check-ins: now %(progress)s, expected %(expected)s "
        "by today",
        len(check_ins),
    ) % {
        "counter": len(check_ins),
        "progress": percentage(key_result.progress),
        "expected": percentage(Decimal(str(round(quarter.elapsed_share(today), 4)))),
    }
    today_line = ""
    if quarter.contains(today):
        today_line = row_html(PROGRESS_LINE_TODAY, x=x(today), top=top, bottom=bottom)
    return row_html(
        PROGRESS_LINE,
        width=LINE_WIDTH,
        height=LINE_HEIGHT,
        label=label,
        x1=x(quarter.start),
        y1=y(0),
        x2=x(quarter.end),
        y2=y(1),
        top=top,
        bottom=bottom,
        today=today_line,
        points=" ".join(f"{px},{py}" for px, py in points),
        last_x=points[-1][0],
        last_y=points[-1][1],
    )


# The bar is drawn here rather than by an included template: the dashboard draws one for each
# team of its page, the team page one for each objective. Coordinates are numbers for SVG,
# written as Python writes them (0.5), never the reader's way (0,5).
PACE_BAR = (
    '<svg class="pace-bar" viewBox="0 0 100 12" preserveAspectRatio="none" aria-hidden="true" '
    'focusable="false">\n'
    '  <rect class="pace-bar-track" x="0" y="2" width="100" height="8" rx="2"/>\n'
    '  <rect class="pace-bar-fill{pace}" x="0" y="2" width="{fill}" height="8" rx="2"/>\n'
    '  <line class="pace-bar-today" x1="{marker}" y1="0" x2="{marker}" y2="12" '
    'vector-effect="non-scaling-stroke"/>\n'
    "</svg>"
)


@register.simple_tag
def pace_bar(progress, expected, pace=None):
    """A bar filled to `progress` with a marker where it should be today (`expected`)."""
    return row_html(
        PACE_BAR,
        pace=f" pace-{pace}" if pace else "",
        fill=round(float(Decimal(progress or 0)) * 100, 2),
        marker=round(float(expected) * 100, 2),
    )


@register.filter
def pace_label(pace):
    return Pace(pace).label if pace else ""


@register.filter
def confidence_label(confidence):
    return CheckIn.Confidence(confidence).label if confidence else ""


# Badges are drawn here rather than by an included template: a page draws dozens of them (a
# check-in list, the team rows), and each include costs more than the badge.
@register.simple_tag
def pace_badge(pace):
    """`pace` as a badge in its tone ("Behind pace"); nothing without a pace."""
    if not pace:
        return ""
    return row_html('<span class="badge tone-{}">{}</span>', pace, pace_label(pace))


@register.simple_tag
def confidence_badge(confidence):
    """A confidence given at a check-in as a badge in its tone; says when none was given."""
    if not confidence:
        return row_html('<span class="badge">{}</span>', gettext("No confidence given"))
    label = confidence_label(confidence)
    return row_html('<span class="badge tone-{}">{}</span>', confidence, label)


@register.simple_tag
def final_grade(objective):
    """A graded objective's final score and its retrospective; nothing without a score. Drawn
    here, not by an included template: the quarter review writes twenty to a page."""
    if objective.final_score is None:
        return ""
    grade = row_html(
        '<p class="final-grade"><strong>{}</strong> {}</p>',
        translated(gettext("Final score")),
        floatformat(objective.final_score, "2"),
    )
    if objective.retrospective:
        grade += row_html('\n<p class="retrospective">{}</p>', objective.retrospective)
    return grade
