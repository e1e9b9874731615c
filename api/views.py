import functools

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .endpoints import api
from .forms import AccessTokenForm
from .models import AccessToken

# Code, the same in every language: what the reference shows of a request.
AUTHORIZATION = "Authorization: Bearer hw_…"
EXAMPLE = """curl --fail-with-body -X POST \\
  -H "Authorization: Bearer $HEADWAY_TOKEN" -H "Content-Type: application/json" \\
  -d '{{"value": 42.5, "confidence": "on_track", "comment": "From the metrics store"}}' \\
  {base_url}/key-results/$KEY_RESULT/check-ins"""

# The session key that carries a new token, in clear, to the one page that shows it.
NEW_TOKEN = "api.new_token"


@never_cache
def tokens(request):
    """The person's personal access tokens: make one (shown once), see when each was last
    used, revoke them."""
    form = AccessTokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        token, raw = form.issue()
        request.session[NEW_TOKEN] = {"id": token.pk, "token": raw}
        return redirect("api:tokens")
    context = {
        "form": form,
        "tokens": AccessToken.objects.of(request.user),
        "new_token": request.session.pop(NEW_TOKEN, None),
        "rate_limit": settings.API_RATE_LIMIT,
        "rate_window": settings.API_RATE_WINDOW,
    }
    return render(request, "api/tokens.html", context, status=422 if form.errors else 200)


@require_POST
def revoke(request, pk):
    token = get_object_or_404(AccessToken.objects.of(request.user), pk=pk)
    token.revoke()
    messages.success(request, _("“%s” is revoked: it no longer works.") % token.name)
    return redirect("api:tokens")


@functools.cache
def openapi_schema(path_prefix):
    """The OpenAPI schema, built once: it changes only with the code."""
    return api.get_openapi_schema(path_prefix=path_prefix)


def docs(request):
    """The API's reference, written from its OpenAPI schema, in the reader's language."""
    schema = openapi_schema(request.path.removesuffix("docs/"))
    base_url = settings.SITE_URL + request.path.removesuffix("docs/").rstrip("/")
    return render(
        request,
        "api/docs.html",
        {
            "groups": reference(schema),
            "base_url": base_url,
            "authorization": AUTHORIZATION,
            "example": EXAMPLE.format(base_url=base_url),
            "rate_limit": settings.API_RATE_LIMIT,
            "rate_window": settings.API_RATE_WINDOW,
        },
    )


def reference(schema):
    """The operations of an OpenAPI schema grouped by tag, in order, with their parameters,
    the fields of their request body and their answers, each described in the reader's
    language (descriptions are marked with gettext_noop in the schemas)."""
    components = schema.get("components", {}).get("schemas", {})
    groups = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            groups.setdefault(operation["tags"][0], []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "anchor": operation["operationId"],
                    "summary": translated(operation.get("summary")),
                    "description": translated(operation.get("description")),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "where": parameter["in"],
                            "required": parameter.get("required", False),
                            "type": type_of(parameter.get("schema", {}), components),
                            "description": translated(parameter.get("description")),
                        }
                        for parameter in operation.get("parameters", [])
                        if parameter["in"] != "header"
                    ],
                    "body": fields_of(body["schema"], components) if body else [],
                    "answers": [
                        (status, type_of(answer_schema(content), components))
                        for status, content in operation.get("responses", {}).items()
                    ],
                }
            )
    return [{"tag": _(tag), "operations": operations} for tag, operations in groups.items()]


def translated(text):
    """`text` in the reader's language ("" stays "": gettext would give the catalogue's
    header)."""
    return _(text) if text else ""


def answer_schema(response):
    return response.get("content", {}).get("application/json", {}).get("schema", {})


def resolve(schema, components):
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def fields_of(schema, components):
    schema = resolve(schema, components)
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "required": name in required,
            "type": type_of(field, components),
            "description": translated(field.get("description")),
        }
        for name, field in schema.get("properties", {}).items()
    ]


def type_of(schema, components):
    """A short name for a schema's type: "string (date)", "one of: a, b", "list of Team"."""
    if not schema:
        return "—"
    if "$ref" in schema:
        target = resolve(schema, components)
        if "enum" in target:
            return type_of(target, components)
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name.startswith("Page_"):  # pydantic's name for Page[Team]: Page_Team_
            return _("a page of %s") % name.removeprefix("Page_").removesuffix("_")
        return name
    if "anyOf" in schema:
        kinds = [type_of(option, components) for option in schema["anyOf"]]
        text = _(" or ").join(kind for kind in kinds if kind != "null")
        return _("%s or null") % text if "null" in kinds else text
    if "enum" in schema:
        return _("one of: %s") % ", ".join(f"“{value}”" for value in schema["enum"])
    if schema.get("type") == "array":
        return _("list of %s") % type_of(schema.get("items", {}), components)
    if schema.get("type") == "object" and "properties" not in schema:
        return "object"
    kind = schema.get("type", "object")
    return f"{kind} ({schema['format']})" if "format" in schema else kind
