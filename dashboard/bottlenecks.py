"""The dashboard's bottlenecks, drawn in Python: each team other teams wait on (from
`figures.bottlenecks`), what it holds up, and the first obstacles waiting on it; and the
graph of who waits on whom (`figures.waiting_graph`).

Drawn by the template engine, the panel cost four `{% blocktranslate %}` a team and some
twenty nodes an obstacle; here each is a few `format_html` calls, with the words any of them
may say translated once. Values from the database are escaped; the translations are trusted,
as a template trusts `{% translate %}` and `{% blocktranslate %}`.
"""

from django.template.defaultfilters import truncatechars
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext

from headway.links import url_of
from headway.rows import translated

BOTTLENECK = (
    '<li class="bottleneck">\n'
    '<h3 class="bottleneck-title"><span class="rank" aria-hidden="true">{rank}</span> '
    '<a href="{url}">{name}</a>{platform}</h3>\n'
    '<p class="bottleneck-figures">\n'
    '<a href="{log}">{teams}</a>,\n{objectives},\n{obstacles}\n</p>\n'
    '<ul class="waiting-list" role="list">\n{waiting}\n</ul>\n{more}\n</li>'
)


class BottleneckItems:
    """The `<li>` of each team of `bottlenecks` (`figures.bottlenecks`: `Bottleneck` rows,
    with `waiting`)."""

    def __init__(self, bottlenecks):
        self.bottlenecks = bottlenecks
        platform = translated(gettext("Platform"))
        self.platform = format_html(' <span class="badge">{}</span>', platform)
        self.waits = translated(gettext("waits:"))
        self.threatens = translated(gettext("threatens"))
        self.log_url = url_of("obstacles:log")

    def __html__(self):
        return format_html_join("\n", "{}", ((self.item(team),) for team in self.bottlenecks))

    __str__ = __html__

    def item(self, team):
        log = f"{self.log_url}?blocking={team.slug}"
        obstacles = team.bottleneck_obstacle_count
        more = ""
        if obstacles > len(team.waiting):
            all_waiting = ngettext(
                "All %(counter)s obstacles waiting on %(team)s, in the obstacle log",
                "All %(counter)s obstacles waiting on %(team)s, in the obstacle log",
                obstacles,
            )
            more = format_html(
                '<p class="bottleneck-more"><a href="{}">{}</a></p>',
                log,
                translated(all_waiting, counter=localize(obstacles), team=team),
            )
        return format_html(
            BOTTLENECK,
            rank=localize(team.rank),
            url=team.get_absolute_url(),
            name=team.name,
            platform=self.platform if team.is_platform else "",
            log=log,
            teams=self.counted(
                ngettext(
                    "holds up %(counter)s team",
                    "holds up %(counter)s teams",
                    team.bottleneck_team_count,
                ),
                team.bottleneck_team_count,
            ),
            objectives=self.counted(
                ngettext(
                    "%(counter)s objective",
                    "%(counter)s objectives",
                    team.bottleneck_objective_count,
                ),
                team.bottleneck_objective_count,
            ),
            obstacles=self.counted(
                ngettext("%(counter)s open obstacle", "%(counter)s open obstacles", obstacles),
                obstacles,
            ),
            waiting=format_html_join("\n", "{}", ((self.waiting(o),) for o in team.waiting)),
            more=more,
        )

    def counted(self, message, counter):
        return translated(message, counter=localize(counter))

    def waiting(self, obstacle):
        """An obstacle waiting on the team: whose, and the objectives it threatens."""
        threatens = ""
        if obstacle.objectives:
            threatens = format_html(
                '\n<span class="muted">{}</span>\n{}',
                self.threatens,
                format_html_join(", ", '<a href="{}">{}</a>', obstacle.objectives),
            )
        return format_html(
            '<li>\n<strong>{}</strong> {} <a href="{}">{}</a>{}\n</li>',
            obstacle.team_name,
            self.waits,
            obstacle.get_absolute_url(),
            obstacle.title,
            threatens,
        )


# Who waits on whom, as SVG from `figures.waiting_graph`'s boxes and arrows. Coordinates are
# numbers for SVG, written as Python writes them (0.5), never the reader's way (0,5).
WAITING_GRAPH = (
    '<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="waiting-graph-title" '
    'focusable="false">\n<title id="waiting-graph-title">{title}</title>\n<defs>\n'
    '<marker id="waiting-arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" '
    'markerHeight="5" orient="auto-start-reverse">\n'
    '<path d="M0,0 L10,5 L0,10 z" class="waiting-graph-head"/>\n</marker>\n</defs>\n'
    "{arrows}\n{waiting}\n{blocking}\n</svg>"
)
WAITING_ARROW = (
    '<line class="waiting-graph-arrow" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" '
    'stroke-width="{width}" marker-end="url(#waiting-arrowhead)"/>'
)
WAITING_BOX = (
    '<rect class="waiting-graph-box{blocking}" x="{x}" y="{y}" width="{width}" '
    'height="{height}" rx="4"/>\n'
    '<text class="waiting-graph-label" x="{text_x}" y="{text_y}">{name}</text>'
)
# Longer team names are cut to fit their box.
BOX_LABEL_LENGTH = 19


def waiting_graph_svg(graph):
    """The SVG of `graph` (`figures.waiting_graph`): an arrow from each waiting team's box to
    its blocking team's, its title saying each wait in words."""
    waits = (
        translated(
            ngettext(
                "%(waiting)s waits on %(blocking)s (%(counter)s obstacle)",
                "%(waiting)s waits on %(blocking)s (%(counter)s obstacles)",
                arrow.count,
            ),
            waiting=arrow.waiting,
            blocking=arrow.blocking,
            counter=arrow.count,
        )
        for arrow in graph["arrows"]
    )
    title = format_html(
        "{} {}",
        translated(gettext("Who waits on whom:")),
        format_html_join(" ", "{}.", ((wait,) for wait in waits)),
    )
    arrows = format_html_join(
        "\n",
        WAITING_ARROW,
        (
            {"x1": a.x1, "y1": a.y1, "x2": a.x2, "y2": a.y2, "width": a.width}
            for a in graph["arrows"]
        ),
    )
    return format_html(
        WAITING_GRAPH,
        width=graph["width"],
        height=graph["height"],
        title=title,
        arrows=arrows,
        waiting=waiting_boxes(graph, graph["waiting"], ""),
        blocking=waiting_boxes(graph, graph["blocking"], " is-blocking"),
    )


def waiting_boxes(graph, boxes, blocking):
    return format_html_join(
        "\n",
        WAITING_BOX,
        (
            {
                "blocking": blocking,
                "x": box.x,
                "y": box.y,
                "width": graph["box_width"],
                "height": graph["box_height"],
                "text_x": box.text_x,
                "text_y": box.text_y,
                "name": truncatechars(box.name, BOX_LABEL_LENGTH),
            }
            for box in boxes
        ),
    )
