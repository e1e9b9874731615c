"""Who changed what, and when, for the administration.

Changes made through Headway's pages are written to Django's admin log, so that an admin
opening an objective or a key result in the administration finds its history under
"History", next to the changes made in the administration itself. (Obstacles keep their
own, richer timeline, which their admin page shows.)
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.utils import translation


def _log(user, obj, flag, message):
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[obj],
        action_flag=flag,
        change_message=message,
        single_object=True,
    )


def record_addition(user, obj):
    _log(user, obj, ADDITION, [{"added": {}}])


def record_change(user, obj, fields=(), message=""):
    """`fields`: the names of the changed fields (a form's changed_data), or a `message`."""
    if fields:
        # Kept in English, as Django's admin keeps them: the history translates them into
        # the language of whoever reads it.
        with translation.override(None):
            labels = [str(obj._meta.get_field(name).verbose_name) for name in fields]
        _log(user, obj, CHANGE, [{"changed": {"fields": labels}}])
    else:
        _log(user, obj, CHANGE, message)


def record_deletion(user, obj):
    _log(user, obj, DELETION, "")
