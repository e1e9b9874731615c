"""Obstacles as the lists show them (the team page, the log, a problem's threats), written in
Python: `{% obstacle_item %}` for each obstacle, its line of facts (`{% obstacle_facts %}`)
and its status badge (`{% status_badge %}`, which the obstacle's page shows too).

A page lists up to 25 obstacles: an included template per obstacle, its badge's include and
six {% blocktranslate %} a line cost more than what each row says (3.7 ms of 5 for the log's
25 at 200 teams for the facts alone). Every value is escaped (`escaped`, `translated`,
format_html); the words of the title line are translated once for the page (headway.rows).
"""

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from headway.forms import escaped
from headway.people import display_name
from headway.rows import shared_by_rows, translated
from headway.templatetags.time_words import ago

register = template.Library()


@register.simple_tag
def obstacle_facts(obstacle, show_team=False, show_activity=False, hide_blocking=False):
    """`{% obstacle_facts obstacle %}`: its team (with show_team), kind, severity, the team it
    waits on (unless hide_blocking), the decision's date while it is active, its owner, when
    it was opened and (with show_activity) its latest activity, each in a <span>, separated
    by " · ". Every value is escaped (`escaped`, `translated`)."""
    severity = translated(
        gettext("%(severity)s severity"), severity=obstacle.get_severity_display()
    )
    facts = [f"<span>{escaped(obstacle.team.name)}</span>"] if show_team else []
    facts.append(f"<span>{escaped(obstacle.get_kind_display())}</span>")
    facts.append(f'<span class="severity severity-{obstacle.severity:d}">{severity}</span>')
    if obstacle.blocking_team and not hide_blocking:
        waits_on = translated(gettext("waits on %(team)s"), team=obstacle.blocking_team.name)
        facts.append(f"<span>{waits_on}</span>")
    if obstacle.decide_by and obstacle.is_active:
        day = formats.date_format(obstacle.decide_by)
        decide_by = translated(gettext("decide by %(day)s"), day=day)
        facts.append(f"<span>{decide_by}</span>")
    if obstacle.owner:
        owner = translated(gettext("owner: %(owner)s"), owner=display_name(obstacle.owner))
    else:
        owner = escaped(gettext("no owner yet"))
    facts.append(f"<span>{owner}</span>")
    opened = translated(gettext("opened %(when)s"), when=ago(obstacle.opened_at))
    facts.append(f"<span>{opened}</span>")
    if show_activity:
        activity = translated(
            gettext("last activity %(when)s"), when=ago(obstacle.last_activity_at)
        )
        facts.append(f"<span>{activity}</span>")
    return mark_safe(" · ".join(facts))  # noqa: S308 (each fact escaped above)


OBSTACLE_ITEM = (
    '<li class="obstacle-item{urgent_class}">\n'
    '  <p class="obstacle-item-title">\n'
    '    <a href="{url}">{title}</a>\n'
    "{urgent}"
    "    {status}\n"
    "  </p>\n"
    '  <p class="obstacle-item-meta muted">\n'
    "    {facts}\n"
    "  </p>\n"
    "</li>\n"
)


@register.simple_tag
def status_badge(obstacle):
    """The obstacle's status as a badge in its colour."""
    return format_html(
        '<span class="badge obstacle-status-{}">{}</span>',
        obstacle.status,
        obstacle.get_status_display(),
    )


@register.simple_tag(takes_context=True)
def obstacle_item(context, obstacle, show_team=False, show_activity=False, hide_blocking=False):
    """One obstacle of a list: its title, urgency while active, status, and its line of facts
    (`obstacle_facts`, with the same options)."""
    urgent = obstacle.is_urgent and obstacle.is_active
    return format_html(
        OBSTACLE_ITEM,
        urgent_class=" is-urgent" if urgent else "",
        url=obstacle.get_absolute_url(),
        title=obstacle.title,
        urgent=shared_by_rows(context, "obstacle_item", urgent_badge) if urgent else "",
        status=status_badge(obstacle),
        facts=obstacle_facts(
            obstacle,
            show_team=show_team,
            show_activity=show_activity,
            hide_blocking=hide_blocking,
        ),
    )


def urgent_badge():
    """The badge of an urgent obstacle, translated once for the page."""
    return format_html('    <span class="badge bad">{}</span>\n', translated(gettext("Urgent")))
