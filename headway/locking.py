"""Optimistic locking: two people editing one thing, the second save does not silently undo
the first.

A versioned model has a `version` column (or several, for parts edited apart, such as a 1:1's
shared and private notes). A form carries the version its input was based on
(`headway.forms.VersionedForm`); the change is saved with `save_if_unchanged`, a single
`UPDATE … WHERE pk = … AND version = …` that also bumps the version. When it updates nothing,
someone saved in between: `Conflict` carries the thing as it is stored now, and the page shows
it next to the user's input, which is kept (`VersionedForm.with_conflict`).
"""

from django.db.models import F


class Conflict(Exception):
    """Someone saved the thing since the version a change was based on; `current` is the
    thing as it is stored now."""

    def __init__(self, current):
        super().__init__(f"{current._meta.label} {current.pk} changed meanwhile")
        self.current = current


def save_if_unchanged(instance, version, fields, version_field="version"):
    """Save `fields` of `instance` if its stored `version_field` is still `version`, adding
    one to it; else raise Conflict, saving nothing.

    Fields with `auto_now` (an `updated_at`) are set as a save would. On success, the
    instance holds the new version.
    """
    model = type(instance)
    values = {name: getattr(instance, name) for name in fields}
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False):
            values[field.attname] = field.pre_save(instance, add=False)
    updated = model._default_manager.filter(pk=instance.pk, **{version_field: version}).update(
        **values, **{version_field: F(version_field) + 1}
    )
    if not updated:
        raise Conflict(model._default_manager.get(pk=instance.pk))
    setattr(instance, version_field, version + 1)
