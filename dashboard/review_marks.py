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

from django.template.defaultfilters import floatformat
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext

from headway.forms import escaped as e
from headway.forms import option_tags
from headway.links import url_of
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


def outcome_rows(rows, quarter_label):
    """The rows of a table of objectives by outcome (review.objective_outcomes: a team's, a
    link to its page in the quarter; review.outcomes_by_problem: a problem's, or those
    serving none), a cell per outcome."""
    labels = [
        translated(gettext(label))
        for label in (
            "Objectives",
            "Achieved",
            "Missed",
            "Dropped",
            "Not graded yet",
            "Carried over",
            "Mean final score",
        )
    ]
    quarter = f"?quarter={e(quarter_label)}"
    lines = []
    for row in rows:
        if row.get("team__slug"):
            link, name = url_of("team", row["team__slug"]), row["team__name"]
        elif row.get("serves"):
            link, name = url_of("problem", row["serves"]), row["serves__title"]
        else:
            link, name = url_of("problem_none"), translated(gettext("Serving no problem"))
        score = row["mean_score"]
        score = '<span class="muted">—</span>' if score is None else e(floatformat(score, 2))
        values = [row[key] for key in COUNTED] + [score]
        cells = "".join(
            f'<td class="number" data-label="{label}">{value if key is None else e(value)}</td>'
            for label, key, value in zip(labels, [*COUNTED, None], values, strict=True)
        )
        lines.append(
            f'<tr><th scope="row"><a href="{e(link)}{quarter}">{e(name)}</a></th>{cells}</tr>'
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every value escaped


# The counts of an outcome row (review.outcome_counts), in its columns' order.
COUNTED = ["total", "achieved", "missed", "dropped", "active", "carried_over"]


def waited_on_rows(rows, quarter_label, log_url, scope_query):
    """The rows of the table of obstacles removed by the team they waited on
    (review.removal_by_blocking_team): the team (a link to its page in the quarter), how
    many were removed (a link to them in the log), their median and 90th-percentile time."""
    removed = translated(gettext("Removed"))
    median = translated(gettext("Median time to remove"))
    p90 = translated(gettext("90th percentile"))
    label, log_url, scope_query = e(quarter_label), e(log_url), e(scope_query)
    lines = []
    for row in rows:
        slug = row["blocking_team__slug"]
        lines.append(
            f'<tr><th scope="row"><a href="{e(url_of("team", slug))}?quarter={label}">'
            f'{e(row["blocking_team__name"])}</a></th><td class="number" data-label="{removed}">'
            f'<a href="{log_url}?status=resolved&amp;blocking={e(slug)}&amp;removed={label}'
            f'{scope_query}">{e(row["removed"])}</a></td><td class="number" '
            f'data-label="{median}">{e(span(row["median"]))}</td><td class="number" '
            f'data-label="{p90}">{e(span(row["p90"]))}</td></tr>'
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every value escaped


def longest_open_rows(obstacles):
    """The rows of the table of the obstacles longest open (review.longest_open): each a
    link to its page, its team, the team it waited on, how long it was open, and whether it
    was still open at the end or how it ended."""
    team, waiting_on = translated(gettext("Team")), translated(gettext("Waiting on"))
    open_for, at_the_end = translated(gettext("Open for")), translated(gettext("At the end"))
    still_open = translated(gettext("Still open"))
    lines = []
    for obstacle in obstacles:
        blocking = obstacle.blocking_team
        blocking = '<span class="muted">—</span>' if blocking is None else e(blocking.name)
        end = still_open if obstacle.still_open else e(obstacle.get_status_display())
        lines.append(
            f'<tr><th scope="row"><a href="{e(obstacle.get_absolute_url())}">'
            f'{e(obstacle.title)}</a></th><td data-label="{team}">{e(obstacle.team.name)}</td>'
            f'<td data-label="{waiting_on}">{blocking}</td><td class="number" '
            f'data-label="{open_for}">{e(span(obstacle.open_for))}</td>'
            f'<td data-label="{at_the_end}">{end}</td></tr>'
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every value escaped


def escalation_rows(events):
    """The rows of the table of the slowest escalations (review.slowest_escalations): the
    obstacle (a link to its page), its team, when it was escalated, and how long it took to
    be answered, or that it was not."""
    team, escalated = translated(gettext("Team")), translated(gettext("Escalated"))
    answered_after = translated(gettext("Answered after"))
    not_answered = translated(gettext("Not answered"))
    lines = []
    for event in events:
        obstacle = event.obstacle
        answer = not_answered if event.time_to_answer is None else e(span(event.time_to_answer))
        when = date_format(localtime(event.created_at), "DATETIME_FORMAT")
        lines.append(
            f'<tr><th scope="row"><a href="{e(obstacle.get_absolute_url())}">'
            f'{e(obstacle.title)}</a></th><td data-label="{team}">{e(obstacle.team.name)}</td>'
            f'<td data-label="{escalated}">{e(when)}</td><td class="number" '
            f'data-label="{answered_after}">{answer}</td></tr>'
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every value escaped
