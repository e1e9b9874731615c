"""`{% submission_key %}`: in a form that creates or changes something, next to its CSRF token.

It writes a hidden field with a key of its own to each form each time the form is shown;
sending the form twice (a double click, a retry) does the work once (headway.middleware).
Not for a form sent several times on purpose without being shown again, as the notes that
save as one types.
"""

import uuid

from django import template
from django.utils.html import format_html

from headway.middleware import SUBMISSION_FIELD

register = template.Library()


@register.simple_tag
def submission_key():
    return format_html('<input type="hidden" name="{}" value="{}">', SUBMISSION_FIELD, uuid.uuid4())
