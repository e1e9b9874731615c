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

import functools

from django.template.defaultfilters import floatformat
from django.utils.formats import date_format, number_format
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext, ngettext

from headway.forms import escaped as e
from headway.forms import option_tags
from headway.links import url_of
from headway.people import display_name
from headway.rows import translated
from objectives.templatetags.objectives_charts import final_grade, in_unit, percentage
from obstacles.models import Decision


def objective_articles(objectives, team):
    """The `<article>` of each of `objectives` (a page of
    dashboard.review.objectives_with_final_values): its title and grade, its team (unless
    the review is `team`'s), the problem it serves, the objective it was carried into, its
    final grade, and its key results' final values against their targets."""
    words = {
        "not_graded": translated(gettext("Not graded yet")),
        "serves_none": translated(gettext("Serves no problem of the organization")),
        "no_key_results": translated(gettext("No key results.")),
        "columns": "".join(
            f'<th scope="col"{cell}>{translated(label)}</th>\n'
            for label, cell in [
                (gettext("Key result"), ""),
                (gettext("Final value"), ' class="number"'),
                (gettext("Target"), ' class="number"'),
                (gettext("Progress"), ' class="number"'),
            ]
        ),
        "rows": final_key_result_words(),
    }
    articles = [objective_article(objective, team, words) for objective in objectives]
    return mark_safe("\n".join(articles))  # noqa: S308 - every value escaped


def objective_article(objective, team, words):
    """One objective's `<article>` (`objective_articles`), with the `words` they share."""
    pk = objective.pk
    if objective.status == "active":
        badge = words["not_graded"]
    else:
        badge = e(objective.get_status_display())
    facts = "" if team else f"<span>{e(objective.team.name)}</span>\n"
    if objective.serves:
        serves = translated(gettext("Serves “%(problem)s”"), problem=objective.serves.title)
    else:
        serves = words["serves_none"]
    facts += f"<span>{serves}</span>\n"
    # (Read with it: None without one, as the template said nothing for it.)
    carried = getattr(objective, "carried_into", None)
    if carried:
        into = translated(gettext("Carried over into %(quarter)s"), quarter=carried.quarter.label)
        facts += f'<span><a href="{e(carried.get_absolute_url())}">{into}</a></span>\n'
    if objective.final_key_results:
        caption = translated(gettext("Key results of “%(objective)s”"), objective=objective.title)
        key_results = (
            f'<div class="table-wrap">\n<table class="card-rows">\n'
            f'<caption class="visually-hidden">{caption}</caption>\n'
            f"<thead><tr>\n{words['columns']}</tr></thead>\n<tbody>\n"
            f"{final_key_result_rows(objective, words['rows'])}\n</tbody>\n</table>\n</div>"
        )
    else:
        key_results = f'<p class="empty">{words["no_key_results"]}</p>'
    return (
        f'<article class="review-objective" aria-labelledby="review-objective-{pk}">\n'
        f'<h3 id="review-objective-{pk}"><a href="{e(objective.get_absolute_url())}">'
        f'{e(objective.title)}</a> <span class="badge status-{e(objective.status)}">{badge}'
        f'</span></h3>\n<p class="muted review-objective-facts">\n{facts}</p>\n'
        f"{final_grade(objective)}\n{key_results}\n</article>"
    )


def final_key_result_words():
    """What every row of `final_key_result_rows` says, translated once for the page."""
    return {
        "final_value": translated(gettext("Final value")),
        "target": translated(gettext("Target")),
        "progress": translated(gettext("Progress")),
        "reached": translated(gettext("Reached")),
        "not_reached": translated(gettext("Not reached")),
        "no_check_in": translated(gettext("(no check-in)")),
    }


def final_key_result_rows(objective, words):
    """The `<tr>` of each of the objective's `final_key_results`
    (dashboard.review.objectives_with_final_values); `words` from final_key_result_words."""
    final_value, target, progress = words["final_value"], words["target"], words["progress"]
    rows = []
    for key_result in objective.final_key_results:
        if key_result.is_milestone:
            value = words["reached"] if key_result.progress == 1 else words["not_reached"]
            aim = words["reached"]
        else:
            value = e(in_unit(key_result.current_value, key_result))
            if key_result.latest_value is None:
                value = f'{value} <span class="muted">{words["no_check_in"]}</span>'
            aim = e(in_unit(key_result.target_value, key_result))
        rows.append(
            f'<tr><th scope="row">{e(key_result.description)}</th><td class="number" '
            f'data-label="{final_value}">{value}</td><td class="number" '
            f'data-label="{target}">{aim}</td><td class="number" '
            f'data-label="{progress}">{e(percentage(key_result.progress))}</td></tr>'
        )
    return "\n".join(rows)


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
        return said_in_hours(round(hours), get_language())
    return said_in_days(round(hours / 24, 1), get_language())


# A page says some 120 times taken (the review's tables and charts), most of them in the
# same few words: each is written once per process and language (the language a key only:
# each is written in the active one).
@functools.lru_cache(maxsize=4096)
def said_in_hours(count, language):
    return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}


@functools.lru_cache(maxsize=4096)
def said_in_days(days, language):
    # One decimal, none when it is whole: "2.5 days", "3 days", "1 day".
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


def leadership_articles(leadership, leader, quarter_label, weeks, viewer):
    """The `<article>` of each leader's figures (dashboard.review.leadership): how fast they
    acted on what their teams asked, their decisions, their 1:1s held with each PM (a link
    to the pair's list for the pair's own two, `viewer` a user's id) and their learnings;
    each figure a link to its rows. The leader's name links to their review unless it is
    `leader`'s."""
    words = {
        name: translated(message)
        for name, message in [
            ("first_action", gettext("Time to the leader’s first action")),
            ("asked_of", gettext("Asked of the leader")),
            ("asked", gettext("Asked")),
            ("waiting", gettext("Not acted on yet")),
            ("median", gettext("Median time to first action")),
            ("p90", gettext("90th percentile")),
            ("decisions", gettext("Decisions due in the quarter")),
            ("one_on_ones", gettext("1:1s held, by product manager")),
            ("team", gettext("Team")),
            ("pm", gettext("Product manager")),
            ("held", gettext("1:1s held")),
            ("no_pm", gettext("No product manager to meet.")),
            ("learnings_heading", gettext("Learnings recorded in the quarter")),
            ("learnings", gettext("Learnings recorded")),
            ("reached", gettext("Teams they reached")),
        ]
    }
    words["held_of"] = gettext("%(held)s of %(weeks)s")
    words["decision"] = {state: e(state.label) for state in Decision}
    links = {
        "review": f"{e(url_of('review', quarter_label))}?leader=",
        "log": e(url_of("obstacles:log")),
        "one_on_ones": e(url_of("coaching:one_on_ones")),
        "learnings": e(url_of("coaching:learnings")),
    }
    label, weeks = e(quarter_label), e(weeks)
    articles = [
        leader_article(figures, leader, label, weeks, viewer, words, links)
        for figures in leadership
    ]
    return mark_safe("\n".join(articles))  # noqa: S308 - every value escaped


def leader_article(figures, leader, label, weeks, viewer, words, links):
    """One leader's `<article>` (`leadership_articles`)."""
    person = figures.leader
    pk, name = e(person.pk), e(display_name(person))
    heading = name if leader else f'<a href="{links["review"]}{pk}">{name}</a>'
    log = f"{links['log']}?status=all&amp;leader={pk}"
    requests = "\n".join(
        f'<tr>\n<th scope="row">{e(row["request"].label)}</th>\n'
        f'<td class="number" data-label="{words["asked"]}"><a href="{log}&amp;asked='
        f'{e(row["request"].value)}&amp;asked_in={label}">{e(row["asked"])}</a></td>\n'
        f'<td class="number" data-label="{words["waiting"]}"><a href="{log}&amp;asked='
        f'{e(row["request"].value)}&amp;asked_in={label}&amp;acted=no">{e(row["waiting"])}'
        f"</a></td>\n"
        f'<td class="number" data-label="{words["median"]}">'
        f"{e(span(row['median'])) or '—'}</td>\n"
        f'<td class="number" data-label="{words["p90"]}">{e(span(row["p90"])) or "—"}</td>\n'
        f"</tr>"
        for row in figures.requests
    )
    decisions = "\n".join(
        f'<div><dt>{words["decision"][Decision(state)]}</dt><dd><a href="{log}&amp;decision='
        f'{e(state)}&amp;due_in={label}">{e(count)}</a></dd></div>'
        for state, count in figures.decisions.items()
    )
    if figures.pairs:
        pairs = "\n".join(
            pair_row(pair, person, label, weeks, viewer, words, links) for pair in figures.pairs
        )
        pairs = (
            f'<div class="table-wrap">\n<table class="card-rows" '
            f'aria-labelledby="one-on-ones-{pk}">\n<thead><tr>\n'
            f'<th scope="col">{words["team"]}</th>\n<th scope="col">{words["pm"]}</th>\n'
            f'<th scope="col" class="number">{words["held"]}</th>\n</tr></thead>\n'
            f"<tbody>\n{pairs}\n</tbody>\n</table>\n</div>"
        )
    else:
        pairs = f'<p class="empty">{words["no_pm"]}</p>'
    return (
        f'<article class="review-leader" aria-labelledby="leader-{pk}">\n'
        f'<h3 id="leader-{pk}">{heading}</h3>\n'
        f'<h4 id="first-action-{pk}">{words["first_action"]}</h4>\n'
        f'<div class="table-wrap">\n<table class="card-rows" '
        f'aria-labelledby="first-action-{pk}">\n<thead><tr>\n'
        f'<th scope="col">{words["asked_of"]}</th>\n'
        f'<th scope="col" class="number">{words["asked"]}</th>\n'
        f'<th scope="col" class="number">{words["waiting"]}</th>\n'
        f'<th scope="col" class="number">{words["median"]}</th>\n'
        f'<th scope="col" class="number">{words["p90"]}</th>\n'
        f"</tr></thead>\n<tbody>\n{requests}\n</tbody>\n</table>\n</div>\n"
        f'<h4>{words["decisions"]}</h4>\n<dl class="review-facts">\n{decisions}\n</dl>\n'
        f'<h4 id="one-on-ones-{pk}">{words["one_on_ones"]}</h4>\n{pairs}\n'
        f'<h4>{words["learnings_heading"]}</h4>\n<dl class="review-facts">\n'
        f'<div><dt>{words["learnings"]}</dt><dd><a href="{links["learnings"]}?author={pk}'
        f'&amp;recorded_in={label}">{e(figures.learnings)}</a></dd></div>\n'
        f"<div><dt>{words['reached']}</dt><dd>{e(figures.teams_reached)}</dd></div>\n"
        f"</dl>\n</article>"
    )


def pair_row(pair, person, label, weeks, viewer, words, links):
    """The `<tr>` of a leader's 1:1 pair: a 1:1's list is its pair's own, so only they are
    offered the link."""
    team, pm = pair["team"], pair["pm"]
    held_of = translated(words["held_of"], held=pair["held"], weeks=weeks)
    if viewer in (person.pk, pm.pk):
        held_of = (
            f'<a href="{links["one_on_ones"]}?held_in={label}&amp;team={e(team.slug)}'
            f'&amp;pm={e(pm.pk)}">{held_of}</a>'
        )
    return (
        f'<tr>\n<th scope="row">{e(team.name)}</th>\n'
        f'<td data-label="{words["pm"]}">{e(display_name(pm))}</td>\n'
        f'<td class="number" data-label="{words["held"]}">{held_of}</td>\n</tr>'
    )
