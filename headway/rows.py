"""Rows drawn in Python by a template tag, many to a page (a check-in list, an agenda's
ticks): what they share is made once for the page, not once a row.

A tag called for each row keeps it in the template's render context, which lasts one
rendering of the template: `shared_by_rows(context, "action_item", make)` calls `make()` for
the first row and gives its result to every row after it.
"""

from django.utils.safestring import mark_safe

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
    return mark_safe(message)  # noqa: S308 (the values escaped above, the catalogue trusted)
