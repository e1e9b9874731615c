"""Rows drawn in Python by a template tag, many to a page (a check-in list, an agenda's
ticks): what they share is made once for the page, not once a row.

A tag called for each row keeps it in the template's render context, which lasts one
rendering of the template: `shared_by_rows(context, "action_item", make)` calls `make()` for
the first row and gives its result to every row after it.

Rows write their HTML with `row_html`, Django's `format_html` with each value escaped by
`headway.forms.escaped`, at a fraction of its cost: a team page writes some 250 fragments and
1,500 values, and format_html's check of each for lazy strings cost more than the rest of
what the rows do.
"""

from django.utils.safestring import SafeString

from .forms import escaped


def shared_by_rows(context, name, make):
    """What every row `name` of a rendering shares (a URL, the CSRF field, words, values
    already formatted), made by `make()` for the first of them."""
    shared = context.render_context.get(name)
    if shared is None:
        shared = context.render_context[name] = make()
    return shared


def translated(message, **values):
    """`message` (already translated) as the template tags write it: `{% translate %}` as it
    is, `{% blocktranslate %}` with `values` put in, escaped; the translation is trusted (it
    may hold markup such as <strong>, or an apostrophe that escaping would change)."""
    if values:
        message = message % {name: escaped(value) for name, value in values.items()}
    # mark_safe for a text, without its check for lazy arguments (rows write hundreds).
    return SafeString(message)  # the values escaped above, the catalogue trusted


def row_html(template, *args, **kwargs):
    """`format_html(template, *args, **kwargs)`: the values escaped (headway.forms.escaped),
    the template trusted."""
    return SafeString(
        template.format(*map(escaped, args), **{name: escaped(v) for name, v in kwargs.items()})
    )
