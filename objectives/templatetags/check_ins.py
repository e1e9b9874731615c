"""`{% check_in_list key_result %}`: a key result's check-ins, as the team page and the key
result's page list them (who may change one is CheckIn's own rule).

The list is built here rather than by an included template: the team page shows every
check-in of every key result (sixty and more), and the template engine spent more on each row's
nodes, filters and lookups than on what the row says. The words are translated once a list,
each day formatted once a row; what people typed is escaped as a template would.
"""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from headway.links import url_of
from headway.people import display_name

from .objectives_charts import confidence_badge, in_unit

register = template.Library()


# One check-in of the list: its day, value, confidence badge, author (and whether corrected),
# then the links to change it and its comment, each with its own lines, when it has them.
CHECK_IN_ROW = (
    "<li>\n"
    '  <span class="check-in-when">{}</span>\n'
    "  <strong>{}</strong>\n"
    "  {}\n"
    '  <span class="muted">{}{}</span>\n'
    "{}{}"
    "</li>\n"
)
CHECK_IN_ACTIONS = (
    '  <span class="check-in-actions">\n'
    '    <a href="{}" aria-label="{}">{}</a>\n'
    '    <a href="{}" aria-label="{}">{}</a>\n'
    "  </span>\n"
)


@register.simple_tag(takes_context=True)
def check_in_list(context, key_result):
    """`key_result`'s check-ins, latest first (prefetched oldest first), each with its day,
    value, confidence and author; and, for those the viewer may still change (`can_check_in`
    and CheckIn.may_be_changed_by), links to correct and delete it."""
    words = {
        "reached": gettext("Reached"),
        "not_yet": gettext("Not yet"),
        "corrected": format_html(" · {}", gettext("corrected")),
        "correct": gettext("Correct"),
        "correct_label": gettext("Correct the check-in of %(day)s"),
        "delete": gettext("Delete"),
        "delete_label": gettext("Delete the check-in of %(day)s"),
    }
    user, team, now = context["user"], context["team"], timezone.now()
    may_change = context.get("can_check_in")
    rows = format_html_join(
        "",
        CHECK_IN_ROW,
        (
            check_in_row(
                check_in,
                key_result,
                team,
                words,
                may_change and check_in.may_be_changed_by(user, now),
            )
            for check_in in reversed(key_result.check_ins.all())
        ),
    )
    return format_html('<ol class="check-in-list" role="list">\n{}</ol>', rows)


def check_in_row(check_in, key_result, team, words, may_change):
    """The values of one CHECK_IN_ROW."""
    day = formats.date_format(timezone.template_localtime(check_in.created_at))
    if key_result.is_milestone:
        value = words["reached"] if check_in.value else words["not_yet"]
    else:
        value = in_unit(check_in.value, key_result)
    actions = ""
    if may_change:
        actions = format_html(
            CHECK_IN_ACTIONS,
            url_of("objectives:check_in_edit", team.slug, check_in.pk),
            words["correct_label"] % {"day": day},
            words["correct"],
            url_of("objectives:check_in_delete", team.slug, check_in.pk),
            words["delete_label"] % {"day": day},
            words["delete"],
        )
    comment = ""
    if check_in.comment:
        comment = format_html(
            '  <p class="check-in-comment">{}</p>\n', linebreaksbr(check_in.comment)
        )
    return (
        day,
        value,
        confidence_badge(check_in.confidence),
        display_name(check_in.author),
        words["corrected"] if check_in.corrected_at else "",
        actions,
        comment,
    )
