"""`{% key_result_row key_result %}`: a key result as the team page lists it, and as a check-in
redraws it: its figures, latest check-in, progress line, the links to check in and edit it,
and its history.

Drawn here rather than by the template's nodes: a team page at 200 teams shows nine key
results, each some sixty nodes and half a dozen blocktranslates around what it says. The
words are translated once for the page (headway.rows); the sentences that put values in a
translation are written as `{% blocktranslate %}` writes them (`translated`: the values
escaped, the translation trusted), the rest escaped by row_html.
"""

from django import template
from django.utils.translation import gettext, ngettext

from headway.links import url_of
from headway.people import display_name
from headway.rows import row_html, shared_by_rows, translated

from .check_ins import check_in_list, day_of, shared_by_lists, written
from .objectives_charts import confidence_badge, in_unit, percentage, progress_line

register = template.Library()

KEY_RESULT_ROW = (
    '<li class="key-result" id="key-result-{pk}">\n'
    '  <div class="key-result-summary">\n'
    '    <p class="key-result-description">{description}</p>\n'
    '    <p class="key-result-figures">\n'
    "      {figures}\n"
    "    </p>\n"
    "{owner}"
    '    <p class="key-result-latest">\n'
    "      {latest}\n"
    "    </p>\n"
    "  </div>\n"
    '  <div class="key-result-chart">\n'
    "    {line}\n"
    "  </div>\n"
    '  <div class="key-result-actions actions">\n'
    "{check_in}{edit}"
    "  </div>\n"
    '  <div id="key-result-{pk}-check-in" class="check-in-slot" '
    'data-hx-target="closest .key-result" data-hx-swap="outerHTML"></div>\n'
    "{saved}{history}"
    "</li>\n"
)
CHECK_IN_LINK = (
    '    <a class="button small primary" href="{url}" data-hx-get="{url}" '
    'aria-label="{label}">{text}</a>\n'
)
EDIT_LINK = '    <a class="button small" href="{url}" aria-label="{label}">{text}</a>\n'
HISTORY = (
    '  <details class="history">\n'
    "    <summary>{summary}</summary>\n"
    "    {check_ins}\n"
    '    <p><a href="{url}">{text}</a></p>\n'
    "  </details>\n"
)


@register.simple_tag(takes_context=True)
def key_result_row(context, key_result):
    """`key_result` (with its latest figures, `with_latest_from_history`, its check-ins
    prefetched oldest first, and `expected`/`pace` from `with_figures`) as a <li> of its
    objective's list; the viewer's permissions, the objective, the quarter and today from the
    context (objectives.views.permissions_in)."""
    words = shared_by_rows(context, "key_result_row", key_result_words)
    team, objective = context["team"], context["objective"]
    check_ins = key_result.check_ins.all()
    may_check_in = objective.status != objective.Status.DROPPED and (
        context.get("can_check_in")
        or (context.get("check_ins_open") and key_result.owner_id == context["user"].pk)
    )
    return row_html(
        KEY_RESULT_ROW,
        pk=key_result.pk,
        description=key_result.description,
        figures=figures(key_result, words),
        owner=row_html(
            '    <p class="key-result-owner muted">{}</p>\n',
            translated(words["owner"], owner=display_name(key_result.owner)),
        )
        if key_result.owner
        else "",
        latest=latest(key_result.latest_check_in, key_result, words, shared_by_lists(context)),
        line=progress_line(key_result, context["quarter"], context["today"]),
        check_in=row_html(
            CHECK_IN_LINK,
            url=url_of("objectives:check_in", team.slug, key_result.pk),
            label=translated(words["check_in_label"], key_result=key_result.description),
            text=words["check_in"],
        )
        if may_check_in
        else "",
        edit=row_html(
            EDIT_LINK,
            url=url_of("objectives:key_result_edit", team.slug, key_result.pk),
            label=translated(words["edit_label"], key_result=key_result.description),
            text=words["edit"],
        )
        if context.get("can_edit")
        else "",
        saved=words["saved"] if context.get("just_saved") else "",
        history=row_html(
            HISTORY,
            summary=ngettext(
                "History: %(counter)s check-in", "History: %(counter)s check-ins", len(check_ins)
            )
            % {"counter": len(check_ins)},
            check_ins=check_in_list(context, key_result),
            url=key_result.get_absolute_url(),
            text=words["open_page"],
        )
        if check_ins
        else "",
    )


def figures(key_result, words):
    """Where the key result stands: reached or not for a milestone, else its value against
    its target and start, and its progress."""
    if key_result.is_milestone:
        reached = words["reached"] if key_result.progress == 1 else words["not_reached"]
        return row_html("<strong>{}</strong>", reached)
    return row_html(
        "{}\n      · {}",
        translated(
            words["figures"],
            value=in_unit(key_result.current_value, key_result),
            target=in_unit(key_result.target_value, key_result),
            start=in_unit(key_result.start_value, key_result),
        ),
        percentage(key_result.progress),
    )


def latest(check_in, key_result, words, shared):
    """The latest check-in's confidence, day and author; or that there is none yet. Its day
    and badge as its check-in list writes them (`shared`)."""
    if check_in is None:
        return words["no_check_in"]
    return row_html(
        '{}\n      <span class="muted">{}</span>',
        written(shared["badges"], key_result.latest_confidence, confidence_badge),
        translated(
            words["day_by"], day=day_of(check_in, shared), author=display_name(check_in.author)
        ),
    )


def key_result_words():
    """The words of every key result of a page, translated once for the page."""
    return {
        "reached": translated(gettext("Reached")),
        "not_reached": translated(gettext("Not reached yet")),
        "figures": gettext("<strong>%(value)s</strong> of %(target)s (from %(start)s)"),
        "owner": gettext("Owner: %(owner)s"),
        "day_by": gettext("%(day)s by %(author)s"),
        "no_check_in": row_html(
            '<span class="muted">{}</span>', translated(gettext("No check-in yet"))
        ),
        "check_in": translated(gettext("Check in")),
        "check_in_label": gettext("Check in: %(key_result)s"),
        "edit": translated(gettext("Edit")),
        "edit_label": gettext("Edit key result: %(key_result)s"),
        "saved": row_html(
            '  <p class="saved-note" role="status">{}</p>\n', translated(gettext("Check-in saved."))
        ),
        "open_page": translated(gettext("Open the key result's page")),
    }
