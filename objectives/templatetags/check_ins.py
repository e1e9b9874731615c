"""`{% check_in_list key_result %}`: a key result's check-ins, as the team page and the key
result's page list them (who may change one is CheckIn's own rule).

The list is built here rather than by an included template: the team page shows every
check-in of every key result (sixty and more), and the template engine spent more on each row's
nodes, filters and lookups than on what the row says. The words are translated, and each
day, badge and name written, once for the page (headway.rows); what people typed is escaped
as a template would.
"""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from headway.links import url_of
from headway.people import display_name
from headway.rows import row_html, shared_by_rows, translated

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
    shared = shared_by_lists(context)
    rows = "".join(
        row_html(CHECK_IN_ROW, *check_in_row(check_in, key_result, shared))
        for check_in in reversed(key_result.check_ins.all())
    )
    return SafeString(f'<ol class="check-in-list" role="list">\n{rows}</ol>')


def shared_by_lists(context):
    """What every check-in list of a page shares: the words, the viewer, and the days,
    badges and names already written (check-ins of a team's key results share them)."""
    return shared_by_rows(context, "check_in_list", lambda: shared_words(context))


def shared_words(context):
    return {
        "user": context["user"],
        "team": context["team"],
        "may_change": context.get("can_check_in"),
        "now": timezone.now(),
        # Each check-in's day in the reader's time zone (timezone.localtime's), looked up once.
        "zone": timezone.get_current_timezone(),
        "reached": translated(gettext("Reached")),
        "not_yet": translated(gettext("Not yet")),
        "corrected": row_html(" · {}", translated(gettext("corrected"))),
        "correct": translated(gettext("Correct")),
        "correct_label": gettext("Correct the check-in of %(day)s"),
        "delete": translated(gettext("Delete")),
        "delete_label": gettext("Delete the check-in of %(day)s"),
        "days": {},
        "badges": {},
        "names": {},
    }


def check_in_row(check_in, key_result, shared):
    """The values of one CHECK_IN_ROW."""
    day = day_of(check_in, shared)
    if key_result.is_milestone:
        value = shared["reached"] if check_in.value else shared["not_yet"]
    else:
        value = in_unit(check_in.value, key_result)
    badge = written(shared["badges"], check_in.confidence, confidence_badge)
    name = written(shared["names"], check_in.author_id, lambda _pk: display_name(check_in.author))
    actions = ""
    if shared["may_change"] and check_in.may_be_changed_by(shared["user"], shared["now"]):
        slug = shared["team"].slug
        actions = row_html(
            CHECK_IN_ACTIONS,
            url_of("objectives:check_in_edit", slug, check_in.pk),
            translated(shared["correct_label"], day=day),
            shared["correct"],
            url_of("objectives:check_in_delete", slug, check_in.pk),
            translated(shared["delete_label"], day=day),
            shared["delete"],
        )
    comment = ""
    if check_in.comment:
        comment = row_html('  <p class="check-in-comment">{}</p>\n', linebreaksbr(check_in.comment))
    return (
        day,
        value,
        badge,
        name,
        shared["corrected"] if check_in.corrected_at else "",
        actions,
        comment,
    )


def day_of(check_in, shared):
    """The check-in's day as the page writes it (`shared`: what the page's lists share)."""
    local_day = check_in.created_at.astimezone(shared["zone"]).date()
    return written(shared["days"], local_day, date_format)


def written(cache, key, write):
    """`write(key)`, written once for the page and kept in `cache`."""
    value = cache.get(key)
    if value is None:
        value = cache[key] = write(key)
    return value
