"""The quarter review's trends, their repeated marks drawn in Python: the bars of the kinds
chart with their segments, the rows of the tables of obstacles by kind, and the discs of the
bottleneck chart with their table's rows.

Drawn by the template engine, each segment or cell cost a loop's nodes, a filter or two and
a plural translation: at 200 teams these ~80 KB were some 15 ms of every review page's CPU,
more than the figures. Here each is one `format_html` call; the words every mark may say
are translated once per chart, and the markup is the template's own (bench: the same page,
byte for byte, blank lines aside). Escaping is `format_html`'s and headway.rows.translated's:
every value is escaped; the HTML here and the translations are trusted, as a template trusts
`{% translate %}` and `{% blocktranslate %}`.

SVG coordinates are written as Python writes numbers (12.5), never the French way (12,5),
as the template's {% localize off %} does.
"""

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from headway.links import url_of
from headway.rows import translated
from obstacles.models import Obstacle


def kind_labels():
    return {kind: conditional_escape(label) for kind, label in Obstacle.Kind.choices}


def kinds_bars(chart):
    """Each bar of the kinds chart (`trends.kinds_chart`): a link per kind's segment, named
    for screen readers and on hover, then the bar's total above it."""
    kinds = kind_labels()
    marks = []
    for bar in chart["bars"]:
        removed = " is-removed" if bar["removed"] else ""
        quarter = conditional_escape(bar["quarter"])
        for segment in bar["segments"]:
            count = segment["count"]
            if bar["removed"]:
                name = ngettext(
                    "%(quarter)s, %(kind)s: %(counter)s obstacle removed",
                    "%(quarter)s, %(kind)s: %(counter)s obstacles removed",
                    count,
                )
            else:
                name = ngettext(
                    "%(quarter)s, %(kind)s: %(counter)s obstacle logged",
                    "%(quarter)s, %(kind)s: %(counter)s obstacles logged",
                    count,
                )
            name = translated(name, quarter=quarter, kind=kinds[segment["kind"]], counter=count)
            marks.append(
                format_html(
                    '<a href="{}" aria-label="{}"><rect class="trend-kind trend-kind-{}{}" '
                    'x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect></a>',
                    segment["url"],
                    name,
                    segment["kind"],
                    removed,
                    bar["x"],
                    segment["y"],
                    bar["width"],
                    segment["height"],
                    name,
                )
            )
        marks.append(
            format_html(
                '<text class="trend-total" x="{}" y="{}" text-anchor="middle" '
                'aria-hidden="true">{}</text>',
                bar["text_x"],
                bar["total_y"],
                bar["total"],
            )
        )
    return mark_safe("\n".join(marks))  # noqa: S308 - each mark made by format_html


def kinds_table_rows(trends, removed, quarter_query, log_url, scope_query):
    """The rows of the table of obstacles logged (or, with `removed`, removed) by kind per
    quarter: each quarter's counts, a link each to its rows in the log, and its total.
    `quarter_query` ends each quarter's link to its own review (the page's query string)."""
    kinds = kind_labels()
    total_label = translated(gettext("Total"))
    status, moment = ("resolved", "removed") if removed else ("all", "logged")
    rows = []
    for row in trends["rows"]:
        label = row.quarter.label
        counts = row.removed if removed else row.logged
        total = row.removed_total if removed else row.logged_total
        cells = format_html_join(
            "",
            '<td class="number" data-label="{}"><a href="{}?status={}&amp;kind={}&amp;{}={}{}">'
            "{}</a></td>",
            (
                (kinds[kind], log_url, status, kind, moment, label, scope_query, count)
                for kind, count in counts.items()
            ),
        )
        rows.append(
            format_html(
                '<tr><th scope="row"><a href="{}{}">{}</a></th>{}<td class="number" '
                'data-label="{}"><a href="{}?status={}&amp;{}={}{}">{}</a></td></tr>',
                url_of("review", label),
                quarter_query,
                label,
                cells,
                total_label,
                log_url,
                status,
                moment,
                label,
                scope_query,
                total,
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - each row made by format_html


def bottleneck_discs(chart):
    """Each row of the bottleneck chart (`trends.bottleneck_chart`): its grid line, the
    team's name, and a disc per quarter that obstacles waited on it, each a link."""
    marks = []
    frame = chart["frame"]
    for row in chart["rows"]:
        team = row["team"].name
        short = Truncator(team).chars(22)
        marks.append(
            format_html(
                '<line class="trend-grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="trend-team" x="4" y="{}">{}</text>',
                frame.left,
                row["y"],
                frame.right,
                row["y"],
                row["text_y"],
                short,
            )
        )
        for cell in row["cells"]:
            count = cell["count"]
            name = ngettext(
                "%(quarter)s: %(counter)s obstacle waited on %(team)s",
                "%(quarter)s: %(counter)s obstacles waited on %(team)s",
                count,
            )
            name = translated(name, quarter=cell["quarter"], counter=count, team=team)
            marks.append(
                format_html(
                    '<a href="{}" aria-label="{}"><title>{}</title><circle class="trend-disc{}" '
                    'cx="{}" cy="{}" r="{}"/><text class="trend-disc-count" x="{}" y="{}">{}'
                    "</text></a>",
                    cell["url"],
                    name,
                    name,
                    " is-top" if cell["top"] else "",
                    cell["x"],
                    row["y"],
                    cell["radius"],
                    cell["text_x"],
                    row["text_y"],
                    count,
                )
            )
    return mark_safe("\n".join(marks))  # noqa: S308 - each mark made by format_html
