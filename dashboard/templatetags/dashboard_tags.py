"""Small helpers for the dashboard's templates: they shape figures the database computed."""

from django import template
from django.template.defaulttags import querystring

from dashboard import review_marks, trend_marks
from dashboard.bottlenecks import BottleneckItems, waiting_graph_svg
from dashboard.needs_you import NeedsYouItems
from dashboard.rows import TeamRows
from headway.links import url_of
from obstacles.models import Decision, Obstacle

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, parameter, number):
    """The page's query string with the page number `parameter` (one paged table's of
    several on the page) set to `number`."""
    return querystring(context, context.request.GET, {parameter: number})


# A time taken, said in the largest unit that keeps it readable (dashboard.review_marks).
span = register.filter("span", review_marks.span)


@register.filter
def kind_label(kind):
    """An obstacle kind's name, in the reader's language."""
    return Obstacle.Kind(kind).label


@register.filter
def decision_label(state):
    """Where a decision stands (obstacles.models.Decision), in the reader's language."""
    return Decision(state).label


@register.simple_tag
def chart_axes(chart):
    """A review trend chart's gridlines and quarters' labels, as SVG (dashboard.trend_marks)."""
    return trend_marks.chart_axes(chart)


@register.simple_tag
def kinds_bars(chart):
    """The bars of the review's kinds chart, as SVG (dashboard.trend_marks)."""
    return trend_marks.kinds_bars(chart)


@register.simple_tag(takes_context=True)
def kinds_table_rows(context, removed):
    """The rows of the review's trend table of obstacles logged, or `removed`, by kind
    (dashboard.trend_marks); each quarter links to its review with the page's query string,
    the objectives' page left out."""
    return trend_marks.kinds_table_rows(
        context["trends"],
        removed,
        querystring(context, page=None),
        context["log_url"],
        context["scope"].query,
    )


@register.simple_tag
def times_points(chart):
    """The points of the review's time-to-remove chart, as SVG (dashboard.trend_marks)."""
    return trend_marks.times_points(chart)


@register.simple_tag(takes_context=True)
def times_table_rows(context):
    """The rows of the review's trend table of times to remove (dashboard.trend_marks);
    each quarter links to its review with the page's query string, the objectives' page
    left out."""
    return trend_marks.times_table_rows(
        context["trends"],
        querystring(context, page=None),
        context["log_url"],
        context["scope"].query,
    )


@register.simple_tag(takes_context=True)
def bottleneck_table_rows(context):
    """The rows of the review's trend table of the teams most waited on
    (dashboard.trend_marks)."""
    return trend_marks.bottleneck_table_rows(
        context["trends"], context["log_url"], context["scope"].query
    )


@register.simple_tag
def objective_articles(objectives, team):
    """The review's objectives, each with its key results' final values
    (dashboard.review_marks)."""
    return review_marks.objective_articles(objectives, team)


@register.simple_tag
def outcome_rows(rows, quarter_label):
    """The rows of a review's table of objectives by outcome (dashboard.review_marks)."""
    return review_marks.outcome_rows(rows, quarter_label)


@register.simple_tag(takes_context=True)
def waited_on_rows(context, rows):
    """The rows of the review's table of times to remove by the team waited on
    (dashboard.review_marks)."""
    return review_marks.waited_on_rows(
        rows, context["quarter"].label, url_of("obstacles:log"), context["scope"].query
    )


@register.simple_tag
def longest_open_rows(obstacles):
    """The rows of the review's table of the longest open (dashboard.review_marks)."""
    return review_marks.longest_open_rows(obstacles)


@register.simple_tag
def escalation_rows(events):
    """The rows of the review's table of the slowest escalations (dashboard.review_marks)."""
    return review_marks.escalation_rows(events)


@register.simple_tag(takes_context=True)
def leadership_articles(context):
    """The review's leaders' figures, each leader's an article (dashboard.review_marks)."""
    return review_marks.leadership_articles(
        context["leadership"],
        context["leader"],
        context["quarter"].label,
        context["weeks"],
        context.request.user.pk,
    )


@register.simple_tag
def team_options(teams, team):
    """The options of the review's team picker (dashboard.review_marks)."""
    return review_marks.team_options(teams, team)


@register.simple_tag
def leader_options(leaders, leader):
    """The options of the review's leader picker (dashboard.review_marks)."""
    return review_marks.leader_options(leaders, leader)


@register.simple_tag
def bottleneck_discs(chart):
    """The rows of the review's bottleneck chart, as SVG (dashboard.trend_marks)."""
    return trend_marks.bottleneck_discs(chart)


@register.simple_tag(takes_context=True)
def team_rows(context, rows, quarter):
    """The dashboard's rows of `rows` in `quarter`, for the signed-in user (dashboard.rows)."""
    return TeamRows(rows, quarter, context["user"])


@register.simple_tag(takes_context=True)
def one_on_one_age(context, team):
    """How long since the team's leader and PM met, as a team row says it (dashboard.rows)."""
    return TeamRows((), None, context["user"]).one_on_one_age(team)


@register.simple_tag(takes_context=True)
def needs_you_items(context, asking, waiting):
    """The obstacles of "Needs you" that ask for the user and that wait on their teams, for
    `{{ items.asking_list }}` and `{{ items.waiting_list }}` (dashboard.needs_you)."""
    return NeedsYouItems(context, asking, waiting)


@register.simple_tag
def bottleneck_items(bottlenecks):
    """The teams of `bottlenecks` with what waits on them (dashboard.bottlenecks)."""
    return BottleneckItems(bottlenecks)


register.simple_tag(waiting_graph_svg, name="waiting_graph_svg")
