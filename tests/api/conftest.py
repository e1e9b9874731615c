"""The API as a script sees it: a client that sends a personal access token."""

import itertools
import json

import pytest
from django.test import Client

from api.models import AccessToken


class TokenClient:
    """Django's test client with `Authorization: Bearer <token>` on every request and JSON
    bodies; answers have `.json()`."""

    def __init__(self, token):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, data=None, **headers):
        return self.client.get(path, data, headers={**self.headers, **headers})

    def _send(self, method, path, body, headers):
        return getattr(self.client, method)(
            path,
            json.dumps(body),
            content_type="application/json",
            headers={**self.headers, **headers},
        )

    def post(self, path, body=None, **headers):
        return self._send("post", path, body or {}, headers)

    def patch(self, path, body=None, **headers):
        return self._send("patch", path, body or {}, headers)

    def put(self, path, body=None, **headers):
        return self._send("put", path, body or {}, headers)


@pytest.fixture
def token_for(db):
    """`token_for(user, scope="write")`: a new token of the user's, in clear."""

    numbers = itertools.count(1)

    def issue(user, scope=AccessToken.Scope.WRITE, **options):
        name = options.pop("name", f"script {next(numbers)}")
        _token, raw = AccessToken.issue(user, name, scope, **options)
        return raw

    return issue


@pytest.fixture
def api_as(token_for):
    """`api_as(user, scope="write")`: a client sending a token of that user's."""

    def client(user, scope=AccessToken.Scope.WRITE):
        return TokenClient(token_for(user, scope))

    return client
