"""headway.links.url_of: what reverse() gives, from a URL reversed once."""

import pytest
from django.template import engines
from django.urls import NoReverseMatch, get_resolver, reverse, set_script_prefix
from django.urls.converters import IntConverter, SlugConverter, StringConverter

from headway.links import url_of


def views_with_simple_arguments():
    """Every named URL of Headway whose arguments are all integers, slugs or strings, with an
    example of them."""
    examples = {IntConverter: 42, SlugConverter: "checkout-squad", StringConverter: "2026-Q4"}
    resolver = get_resolver()
    found = []
    for name in [key for key in resolver.reverse_dict if isinstance(key, str)]:
        for _possibility, _pattern, _defaults, converters in resolver.reverse_dict.getlist(name):
            if converters and all(type(c) in examples for c in converters.values()):
                found.append((name, [examples[type(c)] for c in converters.values()]))
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        for name in [key for key in sub.reverse_dict if isinstance(key, str)]:
            for _possibility, _pattern, _defaults, converters in sub.reverse_dict.getlist(name):
                if converters and all(type(c) in examples for c in converters.values()):
                    args = [examples[type(c)] for c in converters.values()]
                    found.append((f"{namespace}:{name}", args))
    return found


def test_every_view_with_ids_slugs_or_words_gets_the_url_reverse_gives():
    views = views_with_simple_arguments()
    assert {"team", "obstacles:obstacle", "objectives:key_result"} <= {n for n, _ in views}
    for name, args in views:
        assert url_of(name, *args) == reverse(name, args=args), name
        # Twice: the second comes from the URL reversed the first time.
        assert url_of(name, *args) == reverse(name, args=args), name


def test_urls_follow_the_script_prefix_headway_is_served_under():
    try:
        set_script_prefix("/headway/")
        assert (
            url_of("team", "payments")
            == "/headway/teams/payments/"
            == reverse("team", args=["payments"])
        )
    finally:
        set_script_prefix("/")
    assert url_of("team", "payments") == "/teams/payments/"


def test_an_argument_is_quoted_as_reverse_quotes_it():
    label = "2026 Q4 caf\u00e9 & co"
    assert url_of("review", label) == reverse("review", args=[label])


def test_a_view_given_the_wrong_number_of_arguments_is_refused():
    with pytest.raises(NoReverseMatch):
        url_of("obstacles:obstacle", 1, 2)


def test_the_template_tag_writes_the_url_and_can_name_it():
    template = engines["django"].from_string(
        "{% url_of 'obstacles:obstacle' pk %} {% url_of 'team' slug as team_url %}[{{ team_url }}]"
    )
    assert template.render({"pk": 7, "slug": "search"}) == "/obstacles/7/ [/teams/search/]"
