"""The API tokens page: a person makes a token (shown once), sees when each was last used,
and revokes their own, and nobody else's."""

import pytest
from django.urls import reverse

from api.models import AccessToken, hash_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("api:tokens")


def test_a_new_token_is_shown_once(client_for, pm):
    client = client_for(pm)
    response = client.post(PAGE, {"name": "Nightly metrics", "scope": "write", "expires_in": "90"})
    assert response.status_code == 302
    token = AccessToken.objects.get()
    shown = client.get(PAGE).text
    raw = shown.split('id="new-token-value" class="secret" type="text" value="')[1].split('"')[0]
    assert hash_token(raw) == token.key_hash
    assert (token.name, token.scope, token.user) == ("Nightly metrics", "write", pm)
    assert (token.expires_at - token.created_at).days == 90
    again = client.get(PAGE).text
    assert raw not in again and token.shown in again


def test_the_page_is_never_cached(client_for, pm):
    assert "no-store" in client_for(pm).get(PAGE)["Cache-Control"]


def test_a_token_without_a_name_is_refused_with_input_kept(client_for, pm):
    response = client_for(pm).post(PAGE, {"name": "", "scope": "read", "expires_in": "never"})
    assert response.status_code == 422
    assert "This field is required." in response.text
    assert not AccessToken.objects.exists()


def test_two_live_tokens_may_not_share_a_name(client_for, pm):
    AccessToken.issue(pm, "Nightly metrics", "read")
    response = client_for(pm).post(
        PAGE, {"name": "Nightly metrics", "scope": "read", "expires_in": "30"}
    )
    assert response.status_code == 422
    assert "You already have a token of this name." in response.text
    assert 'value="Nightly metrics"' in response.text


def test_the_owner_revokes_a_token(client_for, pm):
    token, _raw = AccessToken.issue(pm, "Nightly metrics", "read")
    response = client_for(pm).post(reverse("api:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.is_revoked
    assert "Revoked on" in client_for(pm).get(PAGE).text


def test_nobody_else_revokes_it_or_sees_it(client_for, pm, admin_user):
    token, _raw = AccessToken.issue(pm, "Nightly metrics", "read")
    for other in (UserFactory(), admin_user):
        client = client_for(other)
        assert client.post(reverse("api:revoke", args=[token.pk])).status_code == 404
        assert "Nightly metrics" not in client.get(PAGE).text
    token.refresh_from_db()
    assert not token.is_revoked


def test_revoking_is_a_post(client_for, pm):
    token, _raw = AccessToken.issue(pm, "Nightly metrics", "read")
    assert client_for(pm).get(reverse("api:revoke", args=[token.pk])).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(PAGE).url.startswith(reverse("login"))


def test_the_list_costs_the_same_queries_at_any_size(client_for, pm, django_assert_num_queries):
    client = client_for(pm)
    client.get(PAGE)
    AccessToken.issue(pm, "one", "read")

    def count():
        with django_assert_num_queries(3):  # session, user, tokens
            client.get(PAGE)

    count()
    for n in range(10):
        AccessToken.issue(pm, f"token {n}", "write")
    count()


def test_the_admin_may_revoke_but_never_sees_a_token(client_for, admin_user, pm):
    token, raw = AccessToken.issue(pm, "Nightly metrics", "read")
    client = client_for(admin_user)
    page = client.get(reverse("admin:api_accesstoken_change", args=[token.pk])).text
    assert raw not in page and token.key_hash not in page
    client.post(
        reverse("admin:api_accesstoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.is_revoked
