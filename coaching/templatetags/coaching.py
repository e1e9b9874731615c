"""The 1:1 page's own tags: who may share a learning, and the "discussed" tick of each agenda
item.

The tick is a small form (its CSRF token, a submission key, the item's key) on each of the
agenda's rows, sixty and more before a long-awaited 1:1: drawn here rather than by an
included template, each row is one format_html, with the URL, the CSRF field and the words
made once for the page.
"""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html
from django.utils.translation import gettext

from headway.links import url_of
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
    # What every tick of the page shares, made by its first (the render context lasts one
    # rendering of the template).
    shared = context.render_context.get("discussed_toggle")
    if shared is None:
        shared = context.render_context["discussed_toggle"] = {
            "url": url_of("coaching:toggle_discussed", context["one_on_one"].pk),
            "csrf": CsrfTokenNode().render(context),
            True: gettext("Discussed"),
            False: gettext("Mark discussed"),
        }
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
