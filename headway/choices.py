"""`get_<field>_display()` from a field's labels gathered once, not on every call.

Django rebuilds a dict of the field's choices on each call, hashing every label: each label
is a lazy translation, so each call translates every choice of the field (a list of 25
obstacles, three labels a row, made 700 gettext calls). The labels stay lazy here, so each
is still read in the language of the request that shows it.
"""

from functools import cache

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@cache
def labels_of(field):
    """{value: label} of a field's choices."""
    return dict(make_hashable(field.flatchoices))


class ChoiceLabels:
    """A model mixin (before models.Model): its `get_<field>_display()` as Django's, from
    `labels_of(field)`."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(labels_of(field).get(make_hashable(value), value), strings_only=True)
