"""People as Headway shows them: by name, the same way on every page, form, e-mail and export.

Headway uses Django's own user model (`auth.User`), so a person's display name is a function
here rather than a method of the model: `display_name(user)` in Python, and the
`{{ person|display_name }}` filter (headway/templatetags/people.py, available in every
template) for pages and e-mails. Both are this one definition.
"""

# People listed for choosing (an owner, a filter) come in this order.
NAME_ORDER = ("first_name", "last_name", "username")


def display_name(user):
    """A person's full name, else their username; "" for nobody (None). `user` may also be
    a row of just those columns (NAME_ORDER, `values_list(..., named=True)`): a list of
    hundreds of people to choose from needs no User for each."""
    if user is None:
        return ""
    # As User.get_full_name() does.
    return f"{user.first_name} {user.last_name}".strip() or user.username


def in_name_order(users):
    """`users` (a queryset) in the order people are listed to choose from."""
    return users.order_by(*NAME_ORDER)
