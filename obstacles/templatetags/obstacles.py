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

from headway.choices import labels_of
from headway.forms import escaped
from headway.people import display_name
from headway.rows import shared_by_rows, translated
from headway.templatetags.time_words import ago
from obstacles.models import Obstacle

register = template.Library()


@register.simple_tag
def obstacle_facts(obstacle, show_team=False, show_activity=False, hide_blocking=False):
    """`{% obstacle_facts obstacle %}`: its team (with show_team), kind, severity, the team it
    waits on (unless hide_blocking), the decision's date while it is active, its owner, when
    it was opened and (with show_activity) its latest activity, each in a <span>, separated
    by " · ". Every value is escaped (`escaped`, `translated`)."""
    return facts_line(obstacle, ListWords(), show_team, show_activity, hide_blocking)


class ListWords:
    """What every obstacle of a list says in the same words (its kind, severity and status,
    "owner: …", "opened …"), translated once for the list rather than once a row: lazy labels
    and messages cost a translation each time they are read, a dozen a row. Read in the
    language active when it is made (the page's)."""

    def __init__(self):
        fields = {name: Obstacle._meta.get_field(name) for name in ("kind", "severity", "status")}
        self.kinds = {value: escaped(label) for value, label in labels_of(fields["kind"]).items()}
        severity = gettext("%(severity)s severity")
        self.severities = {
            value: translated(severity, severity=label)
            for value, label in labels_of(fields["severity"]).items()
        }
        self.badges = {
            value: format_html('<span class="badge obstacle-status-{}">{}</span>', value, label)
            for value, label in labels_of(fields["status"]).items()
        }
        self.waits_on = gettext("waits on %(team)s")
        self.decide_by = gettext("decide by %(day)s")
        self.owner = gettext("owner: %(owner)s")
        self.no_owner = escaped(gettext("no owner yet"))
        self.opened = gettext("opened %(when)s")
        self.last_activity = gettext("last activity %(when)s")

    def kind(self, obstacle):
        known = self.kinds.get(obstacle.kind)
        return escaped(obstacle.get_kind_display()) if known is None else known

    def severity(self, obstacle):
        known = self.severities.get(obstacle.severity)
        if known is None:
            return translated(
                gettext("%(severity)s severity"), severity=obstacle.get_severity_display()
            )
        return known

    def badge(self, obstacle):
        known = self.badges.get(obstacle.status)
        return status_badge(obstacle) if known is None else known


def facts_line(obstacle, words, show_team=False, show_activity=False, hide_blocking=False):
    """The line of `obstacle_facts`, in `words` (ListWords)."""
    facts = [f"<span>{escaped(obstacle.team.name)}</span>"] if show_team else []
    facts.append(f"<span>{words.kind(obstacle)}</span>")
    facts.append(
        f'<span class="severity severity-{obstacle.severity:d}">{words.severity(obstacle)}</span>'
    )
    if obstacle.blocking_team and not hide_blocking:
        waits_on = translated(words.waits_on, team=obstacle.blocking_team.name)
        facts.append(f"<span>{waits_on}</span>")
    if obstacle.decide_by and obstacle.is_active:
        day = formats.date_format(obstacle.decide_by)
        facts.append(f"<span>{translated(words.decide_by, day=day)}</span>")
    if obstacle.owner:
        owner = translated(words.owner, owner=display_name(obstacle.owner))
    else:
        owner = words.no_owner
    facts.append(f"<span>{owner}</span>")
    facts.append(f"<span>{translated(words.opened, when=ago(obstacle.opened_at))}</span>")
    if show_activity:
        activity = translated(words.last_activity, when=ago(obstacle.last_activity_at))
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
    words = shared_by_rows(context, "obstacle_item", ListWords)
    return format_html(
        OBSTACLE_ITEM,
        urgent_class=" is-urgent" if urgent else "",
        url=obstacle.get_absolute_url(),
        title=obstacle.title,
        urgent=shared_by_rows(context, "obstacle_item_urgent", urgent_badge) if urgent else "",
        status=words.badge(obstacle),
        facts=facts_line(obstacle, words, show_team, show_activity, hide_blocking),
    )


def urgent_badge():
    """The badge of an urgent obstacle, translated once for the page."""
    return format_html('    <span class="badge bad">{}</span>\n', translated(gettext("Urgent")))
