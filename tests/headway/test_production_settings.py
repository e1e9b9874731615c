"""Production settings come from the environment alone, and are safe as soon as DEBUG is off."""

import json
import re
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.ops.conftest import ROOT, production_env

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-secret-for-tests-only-4c1f0e2a9b8d7c6e5f4a3b2c1d0e9f8a",
    "DATABASE_URL": "postgres://headway@127.0.0.1:5432/headway",
    "ALLOWED_HOSTS": "headway.example.com",
    "SITE_URL": "https://headway.example.com",
}


def run_with(variables, *arguments):
    """Run Python in a production environment holding exactly `variables` of PRODUCTION's."""
    env = {key: value for key, value in production_env().items() if key not in PRODUCTION}
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env={**env, **variables},
        capture_output=True,
        text=True,
        check=False,
    )


def production_setting(variables, name):
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps(settings.{name}))"
    )
    result = run_with(variables, "-c", script)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_silent():
    result = run_with(PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


@pytest.mark.parametrize(
    "missing", [("SECRET_KEY",), ("DATABASE_URL", "ALLOWED_HOSTS"), ("SITE_URL",)]
)
def test_missing_variables_are_named_at_start_up(missing):
    variables = {key: value for key, value in PRODUCTION.items() if key not in missing}

    result = run_with(variables, "manage.py", "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "these environment variables are not set: " + ", ".join(missing) in result.stderr


def test_an_unknown_log_format_is_refused():
    result = run_with({**PRODUCTION, "LOG_FORMAT": "xml"}, "manage.py", "check")

    assert "LOG_FORMAT must be plain or json, not 'xml'" in result.stderr


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SESSION_COOKIE_SECURE", True),
        ("CSRF_COOKIE_SECURE", True),
        ("CSRF_COOKIE_HTTPONLY", True),
        ("SECURE_SSL_REDIRECT", True),
        ("SECURE_HSTS_SECONDS", 31536000),
        ("SECURE_HSTS_PRELOAD", True),
        ("SECURE_PROXY_SSL_HEADER", ["HTTP_X_FORWARDED_PROTO", "https"]),
        ("SESSION_ENGINE", "headway.sessions"),  # database sessions that know whose they are
        (
            "CACHES",
            {
                "default": {
                    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                    "LOCATION": "headway_cache",
                }
            },
        ),
    ],
)
def test_with_debug_off_cookies_are_secure_and_no_state_lives_in_a_process(name, expected):
    assert production_setting(PRODUCTION, name) == expected


def test_static_files_get_hashed_names_for_long_caching():
    storage = production_setting(PRODUCTION, 'STORAGES["staticfiles"]["BACKEND"]')

    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client_for, leader):
    response = client_for(leader).get(reverse("home"))

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_htmx_is_told_to_need_neither_inline_styles_nor_eval(client_for, leader):
    response = client_for(leader).get(reverse("home"))

    config = json.loads(
        re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", response.text).group(1)
    )
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False and config["allowScriptTags"] is False
    assert b"<script>" not in response.content and b" style=" not in response.content


@pytest.mark.django_db
def test_htmx_swaps_conflicts_and_refused_input_and_no_other_error(client_for, leader):
    """A 409 (someone saved meanwhile) and a 422 (input refused) say what happened, in
    place; a 403, 404 or 500 is not swapped into the page."""
    page = client_for(leader).get(reverse("home")).text
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page).group(1))

    def handling(status):
        return next(
            rule for rule in config["responseHandling"] if re.match(rule["code"], str(status))
        )

    assert [handling(status)["swap"] for status in (200, 204, 409, 422)] == [
        True,
        False,
        True,
        True,
    ]
    assert all(not handling(status)["swap"] for status in (400, 403, 404, 500, 503))


# --- single sign-on (issue 18) ---
SSO = {
    "SSO_ISSUER": "https://id.example.com/oauth2/default",
    "SSO_CLIENT_ID": "headway",
    "SSO_CLIENT_SECRET": "a-client-secret",
}


def test_single_sign_on_is_off_until_an_issuer_is_set():
    assert production_setting(PRODUCTION, "SSO_ENABLED") is False
    assert production_setting({**PRODUCTION, **SSO}, "SSO_ENABLED") is True


def test_check_deploy_is_silent_with_single_sign_on():
    variables = {**PRODUCTION, **SSO, "SSO_ONLY": "1"}

    result = run_with(variables, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"SSO_ISSUER": SSO["SSO_ISSUER"]}, "SSO_CLIENT_ID, SSO_CLIENT_SECRET"),
        ({**SSO, "SSO_ISSUER": "http://id.example.com"}, "must be an https:// address"),
        ({**SSO, "SSO_PROVISIONING": "1"}, "SSO_ALLOWED_DOMAINS"),
        ({"SSO_ONLY": "1"}, "single sign-on is not set up"),
        ({**SSO, "SSO_CLIENT_SECRET_FILE": "/nonexistent/secret"}, "cannot read"),
    ],
)
def test_a_half_configured_single_sign_on_refuses_to_start(variables, message):
    result = run_with({**PRODUCTION, **variables}, "manage.py", "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_the_client_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    variables = {
        **PRODUCTION,
        **SSO,
        "SSO_CLIENT_SECRET": "",
        "SSO_CLIENT_SECRET_FILE": str(secret),
    }

    assert production_setting(variables, "SSO_CLIENT_SECRET") == "from-a-file"


def test_a_site_url_without_its_scheme_is_refused():
    result = run_with({**PRODUCTION, "SITE_URL": "headway.example.com"}, "manage.py", "check")

    assert "SITE_URL must start with https:// or http://" in result.stderr
