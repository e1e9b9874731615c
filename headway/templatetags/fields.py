"""`{% field form.name %}`: a form field with its label, help and errors, the way every page
shows one (templates/includes/field.html is this tag, for the templates that include it).

Written in Python rather than by a template: a page of filters has eighteen fields, and an
included template each cost about a twentieth of a millisecond before its widget was drawn.
Boxes and buttons of several choices sit in a fieldset, which names them; a single checkbox
sits in its label. Every label, help and error is escaped unless already safe (the password
rules' help is a list in HTML).
"""

from django import template
from django.utils.safestring import mark_safe

from headway.forms import escaped

register = template.Library()


@register.simple_tag
def field(bound_field):
    classes = "field"
    if bound_field.use_fieldset:
        classes += " choice-field"
    if bound_field.errors:
        classes += " has-error"
    if bound_field.field.required:
        classes += " required"
    label = escaped(bound_field.label)
    if bound_field.use_fieldset:
        return mark_safe(  # noqa: S308 (every value escaped)
            f'<fieldset class="{classes}">\n<legend>{label}</legend>\n'
            f"{bound_field}\n{notes(bound_field)}</fieldset>"
        )
    for_label = escaped(bound_field.id_for_label)
    if bound_field.widget_type == "checkbox":
        labelled = f'<label class="checkbox" for="{for_label}">{bound_field} {label}</label>'
    else:
        labelled = f'<label for="{for_label}">{label}</label>\n{bound_field}'
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<div class="{classes}">\n{labelled}\n{notes(bound_field)}</div>'
    )


def notes(bound_field):
    """The field's help (which may hold a list, as the password rules do) and its errors,
    each with the id its widget's aria-describedby names."""
    written = ""
    if bound_field.help_text:
        written += (
            f'<div class="help" id="{escaped(bound_field.auto_id)}_helptext">'
            f"{escaped(bound_field.help_text)}</div>\n"
        )
    if bound_field.errors:
        errors = "".join(f"<p>{escaped(error)}</p>" for error in bound_field.errors)
        written += (
            f'<div class="field-errors" id="{escaped(bound_field.auto_id)}_error">{errors}</div>\n'
        )
    return written
