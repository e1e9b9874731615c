from django import template

register = template.Library()


@register.filter
def is_discussed(key, discussed):
    return key in discussed


@register.filter
def may_be_shared_by(learning, user):
    """`{% if learning|may_be_shared_by:user %}`: Learning.may_be_shared_by."""
    return learning.may_be_shared_by(user)
