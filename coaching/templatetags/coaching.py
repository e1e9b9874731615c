"""The 1:1 page's own tags: who may share a learning, the "discussed" tick of each agenda item,
each obstacle of the agenda, and each action item with its "done" tick.

Each tick is a small form (its CSRF token, a submission key, what it ticks) on one of the
agenda's rows, sixty and more before a long-awaited 1:1: drawn here rather than by an
included template, each row is a format_html or two, with the URL, the CSRF field and the
words made once for the page (headway.rows). What people typed is escaped by format_html.
"""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext

from headway.links import url_of
from headway.people import display_name
from headway.rows import shared_by_rows, translated
from headway.templatetags.submissions import submission_key

register = template.Library()


@register.filter
def may_be_shared_by(learning, user):
    """`{% if learning|may_be_shared_by:user %}`: Learning.may_be_shared_by."""
    return learning.may_be_shared_by(user)


DISCUSSED_TOGGLE = (
    '<form method="post" action="{url}" class="discussed-toggle" data-hx-post="{url}">\n'
    "  {csrf}{submission}\n"
    '  <input type="hidden" name="key" value="{key}">\n'
    '  <button type="submit" class="tick{ticked}" aria-pressed="{pressed}">\n'
    "    {label}\n"
    "  </button>\n"
    "</form>\n"
)


@register.simple_tag(takes_context=True)
def discussed_toggle(context, key, discussed):
    """The tick that marks the agenda item `key` of the 1:1 (`one_on_one` in the context)
    as discussed, or no longer: pressed when `discussed`."""
    shared = shared_by_rows(
        context,
        "discussed_toggle",
        lambda: {
            "url": url_of("coaching:toggle_discussed", context["one_on_one"].pk),
            "csrf": CsrfTokenNode().render(context),
            True: translated(gettext("Discussed")),
            False: translated(gettext("Mark discussed")),
        },
    )
    discussed = bool(discussed)
    return format_html(
        DISCUSSED_TOGGLE,
        url=shared["url"],
        csrf=shared["csrf"],
        submission=submission_key(),
        key=key,
        ticked=" ticked" if discussed else "",
        pressed="true" if discussed else "false",
        label=shared[discussed],
    )


AGENDA_OBSTACLE = (
    "<li>\n"
    "{toggle}"
    "  <div>\n"
    '    <a href="{url}">{title}</a>\n'
    "{urgent}"
    '    <br><span class="muted">{kind} · {status}{waits_on}</span>\n'
    "  </div>\n"
    "</li>\n"
)


@register.simple_tag(takes_context=True)
def agenda_obstacle(context, obstacle):
    """An obstacle on the agenda, with its "discussed" tick: its title, whether it is
    urgent, its kind, status and the team it waits on. Forty and more before a 1:1 that
    follows a busy fortnight."""
    urgent = shared_by_rows(
        context,
        "agenda_obstacle",
        lambda: format_html(
            '    <span class="badge bad">{}</span>\n', translated(gettext("Urgent"))
        ),
    )
    waits_on = ""
    if obstacle.blocking_team:
        waits_on = format_html(
            " · {}", translated(gettext("waits on %(team)s"), team=obstacle.blocking_team.name)
        )
    return format_html(
        AGENDA_OBSTACLE,
        toggle=discussed_toggle(context, obstacle.agenda_key, obstacle.is_discussed),
        url=obstacle.get_absolute_url(),
        title=obstacle.title,
        urgent=urgent if obstacle.is_urgent else "",
        kind=obstacle.get_kind_display(),
        status=obstacle.get_status_display(),
        waits_on=waits_on,
    )


ACTION_ITEM = (
    '<li class="action-item{done}" id="action-item-{pk}">\n'
    '  <form method="post" action="{url}" data-hx-post="{url}" '
    'data-hx-target="#action-item-{pk}">\n'
    "    {csrf}{submission}\n"
    "{next}"
    '    <button type="submit" class="tick{ticked}" aria-pressed="{pressed}">\n'
    "      {label}\n"
    "    </button>\n"
    "  </form>\n"
    "  <div>\n"
    "    <strong>{text}</strong>\n"
    '    <span class="muted">— {owner}{due}</span>\n'
    "{overdue}{obstacle}{source}"
    "  </div>\n"
    "</li>\n"
)


@register.simple_tag(takes_context=True)
def action_item(context, item):
    """An action item of a 1:1 with the tick that marks it done (or not): its owner, due
    date (and whether it is overdue, on `today`), the obstacle it is about; with
    `show_source`, the 1:1 it comes from; with `next`, where the tick sends the browser back
    to without htmx."""
    shared = shared_by_rows(
        context,
        "action_item",
        lambda: {
            "csrf": CsrfTokenNode().render(context),
            "next": format_html(
                '    <input type="hidden" name="next" value="{}">\n', context.get("next")
            )
            if context.get("next")
            else "",
            "overdue": format_html(
                '    <span class="badge bad">{}</span>\n', translated(gettext("Overdue"))
            ),
            True: translated(gettext("Done")),
            False: translated(gettext("Mark done")),
        },
    )
    done = item.is_done
    # As ActionItem.is_overdue says it (which `overdue_first()` replaces by its annotation).
    overdue = not done and item.due_date is not None and item.due_date < context["today"]
    due, source, obstacle = "", "", ""
    if item.due_date:
        due_day = formats.date_format(item.due_date, "DATE_FORMAT")
        due = format_html(" · {}", translated(gettext("due %(due)s"), due=due_day))
    if item.obstacle:
        obstacle = format_html(
            '    <br><a href="{}">{}</a>\n', item.obstacle.get_absolute_url(), item.obstacle.title
        )
    if context.get("show_source"):
        one_on_one = item.one_on_one
        source = format_html(
            '    <br><a class="muted" href="{}">{}</a>\n',
            one_on_one.get_absolute_url(),
            translated(
                gettext("From the 1:1 with %(pm)s (%(team)s)"),
                pm=display_name(one_on_one.pm),
                team=one_on_one.team.name,
            ),
        )
    return format_html(
        ACTION_ITEM,
        done=" done" if done else "",
        pk=item.pk,
        url=url_of("coaching:toggle_action_item", item.pk),
        csrf=shared["csrf"],
        submission=submission_key(),
        next=shared["next"],
        ticked=" ticked" if done else "",
        pressed="true" if done else "false",
        label=shared[done],
        text=item.text,
        owner=display_name(item.owner),
        due=due,
        overdue=shared["overdue"] if overdue else "",
        obstacle=obstacle,
        source=source,
    )
