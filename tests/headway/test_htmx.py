"""htmx one way: a view that answers htmx with a fragment, on the URL of its page, says so to
caches and to the browser's history (`Vary: HX-Request`), always with the same decorator."""

import ast
import inspect

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import KeyResultFactory, ObjectiveFactory, ObstacleFactory

HTMX = {"HX-Request": "true"}


def views_of_the_urlconf(patterns=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from views_of_the_urlconf(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield inspect.unwrap(pattern.callback)


def answers_htmx(function_names, module_tree):
    """The module's functions whose answer depends on `request.htmx`, directly or through
    another function of the module."""
    functions = {node.name: node for node in module_tree.body if isinstance(node, ast.FunctionDef)}
    depends = {
        name
        for name, node in functions.items()
        if any(isinstance(n, ast.Attribute) and n.attr == "htmx" for n in ast.walk(node))
    }
    while True:
        more = {
            name
            for name, node in functions.items()
            if name not in depends
            and any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in depends
                for n in ast.walk(node)
            )
        }
        if not more:
            return depends & set(function_names)
        depends |= more


def varies_on_hx_request(node):
    return any(
        isinstance(decorator, ast.Call)
        and getattr(decorator.func, "id", None) == "vary_on_headers"
        and [arg.value for arg in decorator.args] == ["HX-Request"]
        for decorator in node.decorator_list
    )


def test_every_view_that_answers_htmx_differently_varies_on_hx_request():
    # The API's views are django-ninja's, which answer JSON and never htmx.
    views = [
        view
        for view in views_of_the_urlconf()
        if getattr(view, "__module__", "django").split(".")[0] not in ("django", "ninja")
        and hasattr(view, "__name__")
    ]
    by_module = {}
    for view in views:
        by_module.setdefault(inspect.getmodule(view), set()).add(view.__name__)
    checked, missing = set(), []
    for module, names in by_module.items():
        tree = ast.parse(inspect.getsource(module))
        nodes = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
        for name in answers_htmx(names, tree):
            checked.add(f"{module.__name__}.{name}")
            if not varies_on_hx_request(nodes[name]):
                missing.append(f"{module.__name__}.{name}")
    # The check reaches the views it is about.
    assert {
        "objectives.views.key_result_detail",
        "objectives.views.check_in",
        "obstacles.views.obstacle_detail",
        "obstacles.views.obstacle_log",
        "dashboard.views.home",
    } <= checked
    assert missing == []


@pytest.mark.django_db
def test_fragments_and_pages_of_one_url_tell_caches_apart(
    client_for, leader, pm, team, current_quarter
):
    key_result = KeyResultFactory(objective=ObjectiveFactory(team=team, quarter=current_quarter))
    obstacle = ObstacleFactory(team=team, created_by=pm)
    urls = [
        reverse("home"),
        reverse("obstacles:log"),
        obstacle.get_absolute_url(),
        key_result.get_absolute_url(),
        reverse("objectives:check_in", args=[team.slug, key_result.pk]),
    ]
    client = client_for(leader)
    for url in urls:
        for headers in ({}, HTMX):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            assert "HX-Request" in response.get("Vary", ""), url
