"""An obstacle's line of facts, written in Python: a page lists up to 25 obstacles, and six
{% blocktranslate %} a line cost three quarters of the log's results (3.7 ms of 5 for 25 at
200 teams) for what a few gettext calls say in a quarter of the time."""

from django import template
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from headway.forms import escaped
from headway.people import display_name
from headway.templatetags.time_words import ago

register = template.Library()


def filled(message, **values):
    """`message` (translated) with its values escaped into it, as {% blocktranslate %} does."""
    return message % {name: escaped(value) for name, value in values.items()}


@register.simple_tag
def obstacle_facts(obstacle, show_team=False, show_activity=False, hide_blocking=False):
    """`{% obstacle_facts obstacle %}`: its team (with show_team), kind, severity, the team it
    waits on (unless hide_blocking), the decision's date while it is active, its owner, when
    it was opened and (with show_activity) its latest activity, each in a <span>, separated
    by " · ". Every value is escaped (`escaped`, `filled`)."""
    severity = filled(gettext("%(severity)s severity"), severity=obstacle.get_severity_display())
    facts = [f"<span>{escaped(obstacle.team.name)}</span>"] if show_team else []
    facts.append(f"<span>{escaped(obstacle.get_kind_display())}</span>")
    facts.append(f'<span class="severity severity-{obstacle.severity:d}">{severity}</span>')
    if obstacle.blocking_team and not hide_blocking:
        waits_on = filled(gettext("waits on %(team)s"), team=obstacle.blocking_team.name)
        facts.append(f"<span>{waits_on}</span>")
    if obstacle.decide_by and obstacle.is_active:
        day = formats.date_format(obstacle.decide_by)
        decide_by = filled(gettext("decide by %(day)s"), day=day)
        facts.append(f"<span>{decide_by}</span>")
    if obstacle.owner:
        owner = filled(gettext("owner: %(owner)s"), owner=display_name(obstacle.owner))
    else:
        owner = escaped(gettext("no owner yet"))
    facts.append(f"<span>{owner}</span>")
    opened = filled(gettext("opened %(when)s"), when=ago(obstacle.opened_at))
    facts.append(f"<span>{opened}</span>")
    if show_activity:
        activity = filled(gettext("last activity %(when)s"), when=ago(obstacle.last_activity_at))
        facts.append(f"<span>{activity}</span>")
    return mark_safe(" · ".join(facts))  # noqa: S308 (each fact escaped above)
