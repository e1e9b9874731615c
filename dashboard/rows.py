"""The dashboard's table of teams, drawn in Python: one row per team of `figures.team_rows`.

A leader's dashboard lists a page of teams, each row with a dozen figures, links and badges.
Drawn by the template engine, each row cost some 150 nodes, an include and a dozen
translations: more than the figures themselves. Here a row is a few `format_html` calls; the
words every row may say are translated once for the table, each number and date is written
once, and the figures' own helpers (`percentage`, `pace_badge`, `ago`, `days_ago`...) stay the
one definition of how each is said. Escaping is `format_html`'s: every value from the
database is escaped; the HTML here and the translations are trusted, as a template trusts
`{% translate %}` and `{% blocktranslate %}`.
"""

from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.translation import gettext, ngettext

from headway.links import url_of
from headway.people import display_name
from headway.rows import translated
from headway.templatetags.time_words import ago, days_ago
from objectives.templatetags.objectives_charts import (
    confidence_badge,
    pace_badge,
    pace_bar,
    percentage,
)
from obstacles.models import Obstacle

# Each kind with the name of its count (`with_stored_obstacle_counts`), read once: the enum
# builds its list of values anew each time it is asked.
KIND_COUNTS = [(kind, f"open_{kind}_count") for kind in Obstacle.Kind.values]


def open_counts_by_kind(team):
    """(kind, count) of the team's open obstacles of each kind (from
    `with_stored_obstacle_counts`), leaving out the kinds it has none of."""
    counts = ((kind, getattr(team, name, 0)) for kind, name in KIND_COUNTS)
    return [(kind, count) for kind, count in counts if count]


def whole_days(duration):
    """A duration as whole days (None stays None)."""
    return None if duration is None else duration.days


class TeamRows:
    """The `<tr>` of each team in `rows` (a page of `figures.team_rows`) in `quarter`, as seen
    by `viewer` (the leader of a team reads its 1:1s). Renders as HTML (`__html__`); the
    column names, which the table's head shows and each cell repeats for phones, come with it.
    """

    def __init__(self, rows, quarter, viewer):
        self.rows, self.quarter, self.viewer = rows, quarter, viewer
        self.team_label = translated(gettext("Team"))
        self.pace_label = translated(gettext("Progress against pace"))
        self.confidence_label = translated(gettext("PM's confidence"))
        self.obstacles_label = translated(gettext("Open obstacles"))
        self.oldest_label = translated(gettext("Oldest open"))
        self.one_on_one_label = translated(gettext("Last 1:1"))
        # What any row may say, translated once for the table. Translations are trusted, as
        # {% translate %} trusts them: only the values put into them are escaped.
        self.platform = translated(gettext("Platform"))
        self.no_pm = translated(gettext("No PM"))
        self.no_objectives = translated(gettext("No objectives"))
        self.no_obstacle = translated(gettext("None"))
        self.less_than_a_day = translated(gettext("less than a day"))
        self.never = translated(gettext("Never"))
        self.never_schedule = translated(gettext("Never: schedule one"))
        self.overdue = translated(gettext("Overdue"))
        self.kind_labels = {
            kind: conditional_escape(label) for kind, label in Obstacle.Kind.choices
        }
        self.log_url = url_of("obstacles:log")

    def __html__(self):
        return format_html_join("\n", "{}", ((self.row(team),) for team in self.rows))

    __str__ = __html__

    def row(self, team):
        pace = f" pace-row-{team.pace}" if team.pace else ""
        # The team's page in the quarter shown, which two cells link to.
        page = f"{team.get_absolute_url()}?quarter={self.quarter.label}"
        return format_html(
            '<tr class="team-row{}">\n{}\n{}\n{}\n{}\n{}\n{}\n</tr>',
            pace,
            self.team_cell(team, page),
            self.pace_cell(team, page),
            self.confidence_cell(team),
            self.obstacles_cell(team),
            self.oldest_cell(team),
            format_html(
                '<td data-label="{}">\n{}\n</td>', self.one_on_one_label, self.one_on_one_age(team)
            ),
        )

    def team_cell(self, team, page):
        badge = (
            format_html(' <span class="badge">{}</span>', self.platform) if team.is_platform else ""
        )
        pms = [display_name(membership.user) for membership in team.pm_memberships]
        return format_html(
            '<th scope="row" data-label="{}">\n<a href="{}">{}</a>{}\n'
            '<span class="row-people muted">{}</span>\n</th>',
            self.team_label,
            page,
            team.name,
            badge,
            ", ".join(pms) if pms else self.no_pm,
        )

    def pace_cell(self, team, page):
        if team.progress is None:
            figures = format_html('<span class="empty">{}</span>', self.no_objectives)
        else:
            legend = translated(
                gettext("%(progress)s done, %(expected)s expected"),
                progress=percentage(team.progress),
                expected=percentage(team.expected),
            )
            figures = format_html(
                '<a class="cell-link" href="{}">\n{}\n'
                '<span class="pace-legend">{}</span>\n</a>\n{}',
                f"{page}#objectives-heading",
                pace_bar(team.progress, team.expected, team.pace),
                legend,
                pace_badge(team.pace),
            )
        return format_html(
            '<td class="cell-wide" data-label="{}">\n{}\n</td>', self.pace_label, figures
        )

    def confidence_cell(self, team):
        if not team.latest_confidence:
            figures = format_html('<span class="muted">{}</span>', "—")
        elif team.latest_checked_at:
            when = translated(gettext("checked in %(when)s"), when=ago(team.latest_checked_at))
            figures = format_html(
                '{}\n<span class="cell-note muted">{}</span>',
                confidence_badge(team.latest_confidence),
                when,
            )
        else:
            figures = confidence_badge(team.latest_confidence)
        return format_html('<td data-label="{}">\n{}\n</td>', self.confidence_label, figures)

    def obstacles_cell(self, team):
        count = team.open_obstacle_count
        if not count:
            figures = format_html('<span class="muted">{}</span>', self.no_obstacle)
        else:
            team_log = conditional_escape(f"{self.log_url}?team={team.slug}")
            urgent = team.urgent_obstacle_count
            urgent_badge = ""
            if urgent:
                urgent_badge = format_html(
                    '<a class="badge bad" href="{}&amp;urgency=urgent">{}</a>',
                    team_log,
                    translated(
                        ngettext("%(counter)s urgent", "%(counter)s urgent", urgent),
                        counter=localize(urgent),
                    ),
                )
            kinds = format_html_join(
                "\n",
                '<li><a href="{}&amp;kind={}">{}&nbsp;<span class="count">{}</span></a></li>',
                (
                    (team_log, kind, self.kind_labels[kind], localize(count))
                    for kind, count in open_counts_by_kind(team)
                ),
            )
            figures = format_html(
                '<a href="{}">{}</a>\n{}\n<ul class="kind-counts" role="list">\n{}\n</ul>',
                team_log,
                translated(
                    ngettext("%(counter)s open", "%(counter)s open", count),
                    counter=localize(count),
                ),
                urgent_badge,
                kinds,
            )
        return format_html('<td data-label="{}">\n{}\n</td>', self.obstacles_label, figures)

    def oldest_cell(self, team):
        age = whole_days(team.oldest_open_obstacle_age)
        if age is None:
            figures = format_html('<span class="muted">{}</span>', "—")
        else:
            if age == 0:
                said = self.less_than_a_day
            else:
                said = translated(
                    ngettext("%(counter)s day", "%(counter)s days", age), counter=localize(age)
                )
            figures = format_html(
                '<a href="{}?team={}&amp;sort=oldest">{}</a>', self.log_url, team.slug, said
            )
        return format_html('<td data-label="{}">\n{}\n</td>', self.oldest_label, figures)

    def one_on_one_age(self, team):
        """Days since the team's leader last held a 1:1 with its PM, and whether that is
        overdue; the series is its leader's alone to open, or to start from their 1:1s."""
        leads = team.leader_id == self.viewer.pk
        series = team.latest_one_on_one_id
        if team.last_one_on_one_at:
            said = days_ago(team.days_since_one_on_one)
            if leads and series:
                said = format_html(
                    '<a href="{}">{}</a>', url_of("coaching:one_on_one", series), said
                )
        elif leads and not series:
            said = format_html(
                '<a href="{}#cadence-heading">{}</a>',
                url_of("coaching:one_on_ones"),
                self.never_schedule,
            )
        elif leads:
            said = format_html(
                '<a href="{}">{}</a>', url_of("coaching:one_on_one", series), self.never
            )
        else:
            said = self.never
        if team.one_on_one_overdue:
            return format_html('{}\n<span class="badge bad">{}</span>', said, self.overdue)
        return conditional_escape(said)
