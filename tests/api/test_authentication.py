"""Who the API lets in: a usable token, within its rate limit; everything else is refused."""

from datetime import UTC, datetime, timedelta

import pytest

from api.models import AccessToken, hash_token
from tests.api.conftest import TokenClient

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
NOON = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


def test_a_token_acts_as_its_owner(api_as, pm):
    response = api_as(pm, "read").get(ME)
    assert response.status_code == 200
    assert response.json()["user"] == {"id": pm.pk, "username": "pm", "name": "Sam Rivera"}
    assert response.json()["scope"] == "read"


def test_only_the_hash_of_a_token_is_kept(pm):
    token, raw = AccessToken.issue(pm, "Metrics sync", AccessToken.Scope.READ)
    token.refresh_from_db()
    assert raw.startswith("hw_") and len(raw) > 40
    assert token.key_hash == hash_token(raw) and raw not in token.key_hash
    assert token.shown == raw[:11]
    assert not AccessToken.objects.filter(shown=raw).exists()


def test_each_use_is_noted(token_for, pm, time_machine):
    time_machine.move_to(NOON, tick=False)
    raw = token_for(pm)
    TokenClient(raw).get(ME)
    assert AccessToken.objects.get().last_used_at == NOON


def refusal(response):
    return response.status_code, response.json()["detail"]


def test_without_a_token_the_api_refuses(pm, client):
    client.force_login(pm)  # a session is not enough: scripts use tokens
    response = client.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="Headway"'
    assert "Authorization: Bearer" in response.json()["detail"]


@pytest.mark.parametrize(
    "header", ["Bearer hw_not-a-token", "Bearer nothing", "Basic cG06aGVhZHdheQ=="]
)
def test_an_unknown_token_is_refused(header):
    response = TokenClient(None).get(ME, Authorization=header)
    assert response.status_code == 401


def test_a_revoked_token_is_refused(token_for, pm):
    raw = token_for(pm)
    AccessToken.objects.get().revoke()
    assert refusal(TokenClient(raw).get(ME)) == (401, "This token was revoked.")


def test_an_expired_token_is_refused(token_for, pm, time_machine):
    time_machine.move_to(NOON)
    raw = token_for(pm, lifetime=timedelta(days=30))
    assert TokenClient(raw).get(ME).status_code == 200
    time_machine.move_to(NOON + timedelta(days=30, seconds=1))
    assert refusal(TokenClient(raw).get(ME)) == (401, "This token has expired.")


def test_a_deactivated_persons_token_stops_working(token_for, pm):
    raw = token_for(pm)
    pm.is_active = False
    pm.save()
    assert refusal(TokenClient(raw).get(ME)) == (401, "This token’s owner is deactivated.")


def test_refusals_speak_the_clients_language(token_for, pm):
    raw = token_for(pm)
    AccessToken.objects.get().revoke()
    response = TokenClient(raw).get(ME, **{"Accept-Language": "fr"})
    assert response.json()["detail"] == "Ce jeton a été révoqué."


def test_each_token_has_its_rate_limit(settings, token_for, pm, time_machine):
    settings.API_RATE_LIMIT, settings.API_RATE_WINDOW = 3, 60
    time_machine.move_to(NOON, tick=False)
    first, second = TokenClient(token_for(pm, name="one")), TokenClient(token_for(pm, name="two"))
    assert [first.get(ME).status_code for _ in range(3)] == [200, 200, 200]
    time_machine.move_to(NOON + timedelta(seconds=20), tick=False)
    refused = first.get(ME)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert "40" in refused.json()["detail"]
    assert second.get(ME).status_code == 200  # another token counts apart
    time_machine.move_to(NOON + timedelta(seconds=60), tick=False)
    assert first.get(ME).status_code == 200  # a new window


def test_the_count_is_one_atomic_update_per_request(
    settings, token_for, pm, django_assert_num_queries
):
    settings.API_RATE_LIMIT = 1000
    client = TokenClient(token_for(pm))
    client.get(ME)
    # The token and its owner in one query, then the count and the time of use in another.
    with django_assert_num_queries(2):
        assert client.get(ME).status_code == 200
    assert AccessToken.objects.get().window_requests == 2
