"""`{% url_of "name" arg ... %}`: `{% url %}` for the rows of a list (headway.links.url_of),
the URL reversed once rather than once a row. `{% url_of "name" arg as variable %}` too."""

from django import template

from headway.links import url_of

register = template.Library()

register.simple_tag(url_of, name="url_of")
