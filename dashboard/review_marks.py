"""The quarter review's repeated rows drawn in Python: each objective's key results with
their final values against their targets, and the options of its team and leader pickers
(200 teams at 200 teams).

Drawn by the template engine, each row cost a dozen nodes, three filters and four or five
translations (the column names its cells repeat for phones); a page of 20 objectives has
some 60. Here a row is one `format_html` call, with the template's markup (the page is the
same, byte for byte, blank lines aside); the objectives' own filters (`in_unit`,
`percentage`) stay the one definition of how a value is said. Escaping is `format_html`'s
and headway.rows.translated's; the pickers' options are headway.forms.option_tags, as every
select drawn in Python.
"""

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from headway.forms import option_tags
from headway.people import display_name
from headway.rows import translated
from objectives.templatetags.objectives_charts import in_unit, percentage


def final_key_result_rows(objective):
    """The `<tr>` of each of the objective's `final_key_results`
    (dashboard.review.objectives_with_final_values)."""
    final_value, target = translated(gettext("Final value")), translated(gettext("Target"))
    progress, reached = translated(gettext("Progress")), translated(gettext("Reached"))
    rows = []
    for key_result in objective.final_key_results:
        if key_result.is_milestone:
            value = reached if key_result.progress == 1 else translated(gettext("Not reached"))
            aim = reached
        else:
            value = in_unit(key_result.current_value, key_result)
            if key_result.latest_value is None:
                no_check_in = translated(gettext("(no check-in)"))
                value = format_html('{} <span class="muted">{}</span>', value, no_check_in)
            aim = in_unit(key_result.target_value, key_result)
        rows.append(
            format_html(
                '<tr><th scope="row">{}</th><td class="number" data-label="{}">{}</td>'
                '<td class="number" data-label="{}">{}</td>'
                '<td class="number" data-label="{}">{}</td></tr>',
                key_result.description,
                final_value,
                value,
                target,
                aim,
                progress,
                percentage(key_result.progress),
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - each row made by format_html


def team_options(teams, team):
    """The review's team picker: `teams` as (slug, name), `team` the one reviewed or None."""
    return option_tags(teams, {team.slug} if team else ())


def leader_options(leaders, leader):
    """The review's leader picker: `leaders` (users), `leader` the one reviewed or None."""
    return option_tags(
        ((other.pk, display_name(other)) for other in leaders), {str(leader.pk)} if leader else ()
    )


def span(duration):
    """A time taken, said in the largest unit that keeps it readable: "5 hours" under a
    day, else "2.5 days" (one decimal); "" for none. The templates' `span` filter."""
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
