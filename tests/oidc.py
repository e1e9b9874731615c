"""A real OpenID Connect provider on loopback for the tests: oidc-provider-mock (authlib under
Flask) in a thread, with its users' claims set through its HTTP API.

The mock checks the client, its redirect URI and secret, and the nonce, but not PKCE: the
`EnforcePKCE` wrapper in front of it remembers each authorization code's challenge and refuses
the token request whose verifier does not match, as Okta, Keycloak or Entra ID do.
"""

import base64
import hashlib
import io
import json
import threading
from urllib.parse import parse_qs, quote, urlparse

import oidc_provider_mock
import requests
from werkzeug.serving import make_server


def s256(verifier):
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class EnforcePKCE:
    """WSGI middleware: an authorization code is exchanged only with its code verifier."""

    def __init__(self, app):
        self.app = app
        self.challenges = {}
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if path == "/oauth2/authorize" and method == "POST":
            return self.authorize(environ, start_response)
        if path == "/oauth2/token" and method == "POST":
            return self.token(environ, start_response)
        return self.app(environ, start_response)

    def authorize(self, environ, start_response):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        challenge = (query.get("code_challenge", [None])[0], query.get("code_challenge_method"))
        headers = {}

        def remember(status, response_headers, exc_info=None):
            headers.update(response_headers)
            return start_response(status, response_headers, exc_info)

        body = self.app(environ, remember)
        code = parse_qs(urlparse(headers.get("Location", "")).query).get("code")
        if code:
            with self.lock:
                self.challenges[code[0]] = challenge
        return body

    def token(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(raw)
        form = parse_qs(raw.decode())
        if form.get("grant_type") == ["authorization_code"]:
            with self.lock:
                challenge, method = self.challenges.pop(form.get("code", [""])[0], (None, None))
            verifier = form.get("code_verifier", [None])[0]
            if not (challenge and method == ["S256"] and verifier and s256(verifier) == challenge):
                body = json.dumps(
                    {"error": "invalid_grant", "error_description": "PKCE verification failed"}
                ).encode()
                start_response(
                    "400 Bad Request",
                    [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
                )
                return [body]
        return self.app(environ, start_response)


class Provider:
    """The running provider: its issuer URL, and its API to set a user's claims and register
    Headway as a client."""

    def __init__(self, issuer):
        self.issuer = issuer

    def set_user(self, sub, **claims):
        """What the provider says about the account `sub` (email, email_verified, name...)."""
        response = requests.put(
            f"{self.issuer}/users/{quote(sub, safe='')}", json=claims, timeout=5
        )
        response.raise_for_status()

    def register(self, redirect_uri):
        """Headway as a confidential client allowed to come back to `redirect_uri`:
        (client id, client secret)."""
        response = requests.post(
            f"{self.issuer}/oauth2/clients",
            json={
                "redirect_uris": [redirect_uri],
                "token_endpoint_auth_method": "client_secret_basic",
            },
            timeout=5,
        )
        response.raise_for_status()
        client = response.json()
        return client["client_id"], client["client_secret"]

    def consent(self, authorize_url, sub):
        """The person signs in at the provider as `sub` and authorizes Headway: the URL the
        provider sends the browser back to."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def deny(self, authorize_url):
        response = requests.post(
            authorize_url, data={"action": "deny"}, allow_redirects=False, timeout=5
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]


def run_provider():
    """A context manager: the provider on a free loopback port, stopped on leaving."""
    app = EnforcePKCE(oidc_provider_mock.app(require_client_registration=True, require_nonce=True))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})

    class Running:
        def __enter__(self):
            thread.start()
            return Provider(f"http://127.0.0.1:{server.server_port}")

        def __exit__(self, *exc):
            server.shutdown()
            server.server_close()
            thread.join(5)

    return Running()
