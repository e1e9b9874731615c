"""The quarter review's trends, their repeated marks drawn in Python: the bars of the kinds
chart with their segments, the rows of the tables of obstacles by kind, and the discs of the
bottleneck chart with their table's rows.

Drawn by the template engine, each segment or cell cost a loop's nodes, a filter or two and
a plural translation: at 200 teams these ~80 KB were some 15 ms of every review page's CPU,
more than the figures. Here each is one string; the words every mark may say are translated
once per chart, and the markup is the template's own (bench: the same page, byte for byte,
blank lines aside). Every value is escaped (headway.forms.escaped: Django's
conditional_escape without its check for lazy arguments, which cost as much as the marks
themselves when format_html called it for each of some 2,000 values a page) and
headway.rows.translated's; the HTML here and the translations are trusted, as a template
trusts `{% translate %}` and `{% blocktranslate %}`.

SVG coordinates are written as Python writes numbers (12.5), never the French way (12,5),
as the template's {% localize off %} does.
"""

from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from headway.forms import escaped as e
from headway.links import url_of
from headway.rows import translated
from obstacles.models import Obstacle

from .review_marks import span


def kind_labels():
    return {kind: e(label) for kind, label in Obstacle.Kind.choices}


def chart_axes(chart):
    """A chart's horizontal gridlines, each with its value (the numbers written the reader's
    way), if it has any, then the quarters' labels under it."""
    frame = chart["frame"]
    left, right, axis_x = e(frame.left), e(frame.right), e(frame.axis_x)
    marks = [
        f'<line class="trend-grid" x1="{left}" y1="{e(line["y"])}" x2="{right}" '
        f'y2="{e(line["y"])}"/>\n<text class="trend-axis" x="{axis_x}" '
        f'y="{e(line["text_y"])}" text-anchor="end">{e(localize(line["value"], use_l10n=True))}'
        f"</text>"
        for line in chart.get("gridlines", ())
    ]
    label_y = e(frame.label_y)
    marks.append(
        "".join(
            f'<text class="trend-axis" x="{e(label["x"])}" y="{label_y}" '
            f'text-anchor="middle">{e(label["label"])}</text>'
            for label in chart["labels"]
        )
    )
    return mark_safe("\n".join(marks))  # noqa: S308 - every value escaped


def kinds_bars(chart):
    """Each bar of the kinds chart (`trends.kinds_chart`): a link per kind's segment, named
    for screen readers and on hover, then the bar's total above it."""
    kinds = kind_labels()
    marks = []
    for bar in chart["bars"]:
        removed = " is-removed" if bar["removed"] else ""
        quarter = e(bar["quarter"])
        x, width = e(bar["x"]), e(bar["width"])
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
                f'<a href="{e(segment["url"])}" aria-label="{name}"><rect class="trend-kind '
                f'trend-kind-{e(segment["kind"])}{removed}" x="{x}" y="{e(segment["y"])}" '
                f'width="{width}" height="{e(segment["height"])}"><title>{name}</title></rect></a>'
            )
        marks.append(
            f'<text class="trend-total" x="{e(bar["text_x"])}" y="{e(bar["total_y"])}" '
            f'text-anchor="middle" aria-hidden="true">{e(bar["total"])}</text>'
        )
    return mark_safe("\n".join(marks))  # noqa: S308 - every value escaped


def kinds_table_rows(trends, removed, quarter_query, log_url, scope_query):
    """The rows of the table of obstacles logged (or, with `removed`, removed) by kind per
    quarter: each quarter's counts, a link each to its rows in the log, and its total.
    `quarter_query` ends each quarter's link to its own review (the page's query string)."""
    kinds = kind_labels()
    total_label = translated(gettext("Total"))
    status, moment = ("resolved", "removed") if removed else ("all", "logged")
    quarter_query, log_url, scope_query = e(quarter_query), e(log_url), e(scope_query)
    rows = []
    for row in trends["rows"]:
        label = e(row.quarter.label)
        counts = row.removed if removed else row.logged
        total = row.removed_total if removed else row.logged_total
        link = f"{log_url}?status={status}&amp;"
        cells = "".join(
            f'<td class="number" data-label="{kinds[kind]}"><a href="{link}kind={e(kind)}'
            f'&amp;{moment}={label}{scope_query}">{e(count)}</a></td>'
            for kind, count in counts.items()
        )
        rows.append(
            f'<tr><th scope="row"><a href="{e(url_of("review", row.quarter.label))}'
            f'{quarter_query}">{label}</a></th>{cells}<td class="number" '
            f'data-label="{total_label}"><a href="{link}{moment}={label}{scope_query}">'
            f"{e(total)}</a></td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped


def times_points(chart):
    """Each point of the time-to-remove chart (`trends.times_chart`): a link to the
    obstacles removed in its quarter, named for screen readers and on hover, over a band
    from its median to its 90th percentile."""
    marks = []
    for point in chart["points"]:
        count = point["removed"]
        name = ngettext(
            "%(quarter)s: median %(median)s, 90th percentile %(p90)s (%(counter)s obstacle "
            "removed)",
            "%(quarter)s: median %(median)s, 90th percentile %(p90)s (%(counter)s obstacles "
            "removed)",
            count,
        )
        name = translated(
            name,
            quarter=point["quarter"],
            median=span(point["median"]),
            p90=span(point["p90"]),
            counter=count,
        )
        x = e(point["x"])
        marks.append(
            f'<a href="{e(point["url"])}" aria-label="{name}"><title>{name}</title>'
            f'<rect class="trend-hit" x="{e(point["hit_x"])}" y="{e(point["hit_y"])}" '
            f'width="{e(point["hit_width"])}" height="{e(point["hit_height"])}"/>'
            f'<circle class="trend-point trend-p90" cx="{x}" cy="{e(point["p90_y"])}" r="4"/>'
            f'<circle class="trend-point trend-median" cx="{x}" cy="{e(point["median_y"])}" '
            'r="5"/></a>'
        )
    return mark_safe("\n".join(marks))  # noqa: S308 - every value escaped


def times_table_rows(trends, quarter_query, log_url, scope_query):
    """The rows of the table of times to remove per quarter: the quarter (a link to its
    review, ending with `quarter_query`), the obstacles removed in it (a link to them in
    the log), their median and 90th-percentile time to remove."""
    removed = translated(gettext("Removed"))
    median = translated(gettext("Median time to remove"))
    p90 = translated(gettext("90th percentile"))
    quarter_query, log_url, scope_query = e(quarter_query), e(log_url), e(scope_query)
    rows = []
    for row in trends["rows"]:
        label = e(row.quarter.label)
        rows.append(
            f'<tr><th scope="row"><a href="{e(url_of("review", row.quarter.label))}'
            f'{quarter_query}">{label}</a></th><td class="number" data-label="{removed}">'
            f'<a href="{log_url}?status=resolved&amp;removed={label}&amp;sort=oldest'
            f'{scope_query}">{e(row.removed_total)}</a></td><td class="number" '
            f'data-label="{median}">{e(span(row.median) or "—")}</td><td class="number" '
            f'data-label="{p90}">{e(span(row.p90) or "—")}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped


def bottleneck_discs(chart):
    """Each row of the bottleneck chart (`trends.bottleneck_chart`): its grid line, the
    team's name, and a disc per quarter that obstacles waited on it, each a link."""
    marks = []
    frame = chart["frame"]
    left, right = e(frame.left), e(frame.right)
    for row in chart["rows"]:
        team = row["team"].name
        short = Truncator(team).chars(22)
        y, text_y = e(row["y"]), e(row["text_y"])
        marks.append(
            f'<line class="trend-grid" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/>'
            f'<text class="trend-team" x="4" y="{text_y}">{e(short)}</text>'
        )
        for cell in row["cells"]:
            count = cell["count"]
            name = ngettext(
                "%(quarter)s: %(counter)s obstacle waited on %(team)s",
                "%(quarter)s: %(counter)s obstacles waited on %(team)s",
                count,
            )
            name = translated(name, quarter=cell["quarter"], counter=count, team=team)
            top = " is-top" if cell["top"] else ""
            marks.append(
                f'<a href="{e(cell["url"])}" aria-label="{name}"><title>{name}</title>'
                f'<circle class="trend-disc{top}" cx="{e(cell["x"])}" cy="{y}" '
                f'r="{e(cell["radius"])}"/><text class="trend-disc-count" x="{e(cell["text_x"])}" '
                f'y="{text_y}">{e(count)}</text></a>'
            )
    return mark_safe("\n".join(marks))  # noqa: S308 - every value escaped


def bottleneck_table_rows(trends, log_url, scope_query):
    """The rows of the table of obstacles waiting on each team most waited on, per quarter:
    a link to them in the log where there are any, the count in bold where the team was
    among the most waited on."""
    among = translated(gettext("(among the most waited on)"))
    log_url, scope_query = e(log_url), e(scope_query)
    rows = []
    for team in trends["bottlenecks"]:
        slug, cells = e(team.slug), []
        for quarter, count, top in zip(team.quarters, team.counts, team.top, strict=True):
            label = e(quarter.label)
            if not count:
                cells.append(f'<td class="number" data-label="{label}">0</td>')
                continue
            shown = (
                f'<strong>{e(count)}</strong> <span class="visually-hidden">{among}</span>'
                if top
                else e(count)
            )
            cells.append(
                f'<td class="number" data-label="{label}"><a href="{log_url}?status=all&amp;'
                f'blocking={slug}&amp;quarter={label}{scope_query}">{shown}</a></td>'
            )
        rows.append(f'<tr><th scope="row">{e(team.name)}</th>{"".join(cells)}</tr>')
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped
