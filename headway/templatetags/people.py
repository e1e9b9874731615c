"""`{{ person|display_name }}`: a person as Headway names them (headway.people.display_name).

A built-in library (settings.TEMPLATES "builtins"): every template has it without {% load %}.
"""

from django import template

from headway import people

register = template.Library()


@register.filter
def display_name(user):
    return people.display_name(user)
