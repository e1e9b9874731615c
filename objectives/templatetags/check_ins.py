"""What a person may do with a check-in, for the templates (the rule is CheckIn's own)."""

from django import template

register = template.Library()


@register.filter
def may_be_changed_by(check_in, user):
    """True when `user` may correct or delete `check_in` now (CheckIn.may_be_changed_by)."""
    return check_in.may_be_changed_by(user)
