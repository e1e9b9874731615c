from django import template

from coaching.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return render_markdown(text)


@register.filter
def is_discussed(key, discussed):
    return key in discussed


@register.filter
def may_be_shared_by(learning, user):
    """`{% if learning|may_be_shared_by:user %}`: Learning.may_be_shared_by."""
    return learning.may_be_shared_by(user)
