"""Single sign-on against a real OpenID Connect provider on loopback (tests/oidc.py): the
redirect, the consent, the callback, and the linking rules of headway.models.Identity."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.urls import reverse

from headway.models import Identity, Preference, Session
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def start(client, next_url=None):
    """Press "Sign in with Acme ID": the provider's authorization URL Headway sends to."""
    url = reverse("sso_start") + (f"?next={next_url}" if next_url else "")
    response = client.get(url)
    assert response.status_code == 302, response.content
    return response.url


def sign_in(client, provider, sub, next_url=None, **claims):
    """The whole round trip: Headway → the provider (signed in as `sub`, with `claims`,
    consenting) → back to Headway's callback. The callback's response."""
    provider.set_user(sub, **claims)
    return client.get(provider.consent(start(client, next_url), sub))


def signed_in_user(client):
    return client.session.get(SESSION_KEY)


def test_the_sign_in_page_offers_the_provider_above_the_password_form(client, sso):
    page = client.get(reverse("login")).content.decode()

    assert "Sign in with Acme ID" in page
    assert page.index("Sign in with Acme ID") < page.index('name="password"')


def test_without_configuration_there_is_no_button_and_no_way_in(client, settings):
    settings.SSO_ENABLED = False

    assert b"Sign in with" not in client.get(reverse("login")).content
    assert client.get(reverse("sso_start")).status_code == 404
    assert client.get(reverse("sso_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_the_redirect_asks_for_a_code_with_pkce_state_and_nonce(client, sso):
    url = urlparse(start(client))
    query = {key: values[0] for key, values in parse_qs(url.query).items()}

    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{sso.issuer}/oauth2/authorize"
    assert query["response_type"] == "code"
    assert query["client_id"] == settings.SSO_CLIENT_ID
    assert query["redirect_uri"] == "http://testserver/accounts/sso/callback/"
    assert set(query["scope"].split()) == {"openid", "email", "profile"}
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    state = client.session["oidc_states"][query["state"]]
    assert state["nonce"] == query["nonce"] and state["code_verifier"]


def test_a_verified_address_links_the_person_who_has_it(client, sso):
    sam = UserFactory(username="sam", email="sam@acme.example", first_name="Sam", last_name="R")

    response = sign_in(
        client,
        sso,
        "okta-0001",
        email="Sam@acme.example",
        email_verified=True,
        given_name="Samuel",
        family_name="Rivera",
    )

    assert response.status_code == 302 and response.url == reverse("home")
    assert signed_in_user(client) == str(sam.pk)
    identity = Identity.objects.get(user=sam)
    assert (identity.issuer, identity.subject) == (sso.issuer, "okta-0001")
    sam.refresh_from_db()
    assert (sam.first_name, sam.last_name) == ("Samuel", "Rivera")
    assert sam.has_usable_password()  # linking leaves the password alone


def test_later_sign_ins_find_the_person_by_subject_and_refresh_name_and_address(client, sso):
    sam = UserFactory(username="sam", email="sam@acme.example")
    sign_in(client, sso, "okta-0002", email="sam@acme.example", email_verified=True)
    client.post(reverse("logout"))

    sign_in(
        client,
        sso,
        "okta-0002",
        email="samuel.rivera@acme.example",
        email_verified=True,
        name="Samuel Rivera",
    )

    assert signed_in_user(client) == str(sam.pk)
    sam.refresh_from_db()
    assert sam.email == "samuel.rivera@acme.example"
    assert (sam.first_name, sam.last_name) == ("Samuel", "Rivera")
    assert Identity.objects.filter(user=sam).count() == 1


def test_an_unverified_address_is_refused_with_a_clear_page(client, sso):
    UserFactory(username="sam", email="sam@acme.example")

    response = sign_in(client, sso, "okta-0003", email="sam@acme.example", email_verified=False)

    assert response.status_code == 403
    assert b"Your e-mail address is not verified" in response.content
    assert b"Acme ID does not vouch" in response.content
    assert signed_in_user(client) is None
    assert not Identity.objects.exists()


def test_entra_ids_verified_domain_claim_counts_as_verified(client, sso):
    sam = UserFactory(username="sam", email="sam@acme.example")

    sign_in(client, sso, "entra-0001", email="sam@acme.example", xms_edov=True)

    assert signed_in_user(client) == str(sam.pk)


def test_a_superuser_is_never_linked_by_address_alone(client, sso):
    UserFactory(username="root", email="root@acme.example", is_superuser=True, is_staff=True)

    response = sign_in(client, sso, "okta-0004", email="root@acme.example", email_verified=True)

    assert response.status_code == 403
    assert b"Administrators sign in with their password" in response.content
    assert signed_in_user(client) is None


def test_a_superuser_linked_by_an_administrator_signs_in_by_subject(client, sso):
    root = UserFactory(username="root", email="root@acme.example", is_superuser=True)
    Identity.objects.create(user=root, issuer=sso.issuer, subject="okta-0005")

    sign_in(client, sso, "okta-0005", email="root@acme.example", email_verified=True)

    assert signed_in_user(client) == str(root.pk)


def test_a_new_person_of_an_allowed_domain_is_created(client, sso):
    response = sign_in(
        client,
        sso,
        "okta-0006",
        email="nora@acme.example",
        email_verified=True,
        given_name="Nora",
        family_name="Diaz",
    )

    nora = User.objects.get(email="nora@acme.example")
    assert response.status_code == 302 and signed_in_user(client) == str(nora.pk)
    assert (nora.username, nora.first_name, nora.last_name) == ("nora@acme.example", "Nora", "Diaz")
    assert not nora.has_usable_password() and not nora.is_staff
    assert nora.identities.get().subject == "okta-0006"


def test_someone_of_another_domain_is_asked_to_see_their_admin(client, sso):
    response = sign_in(client, sso, "okta-0007", email="eve@elsewhere.example", email_verified=True)

    assert response.status_code == 403
    assert b"You are not in Headway yet" in response.content
    assert b"Ask your Headway administrator to add you" in response.content
    assert not User.objects.filter(email="eve@elsewhere.example").exists()


def test_without_provisioning_nobody_new_gets_in(client, sso, settings):
    settings.SSO_PROVISIONING = False

    response = sign_in(client, sso, "okta-0008", email="nora@acme.example", email_verified=True)

    assert response.status_code == 403
    assert b"Ask your Headway administrator to add you" in response.content
    assert not User.objects.filter(email="nora@acme.example").exists()


def test_a_deactivated_person_is_refused(client, sso):
    UserFactory(username="sam", email="sam@acme.example", is_active=False)

    response = sign_in(client, sso, "okta-0009", email="sam@acme.example", email_verified=True)

    assert response.status_code == 403
    assert b"Your account is deactivated" in response.content


def test_two_people_with_one_address_are_not_guessed_between(client, sso):
    UserFactory(username="sam1", email="sam@acme.example")
    UserFactory(username="sam2", email="SAM@acme.example")

    response = sign_in(client, sso, "okta-0010", email="sam@acme.example", email_verified=True)

    assert response.status_code == 403
    assert b"Several people have this e-mail address" in response.content


def test_an_address_already_linked_to_another_subject_is_not_taken_over(client, sso):
    sam = UserFactory(username="sam", email="sam@acme.example")
    Identity.objects.create(user=sam, issuer=sso.issuer, subject="okta-original")

    response = sign_in(client, sso, "okta-0011", email="sam@acme.example", email_verified=True)

    assert response.status_code == 403
    assert b"linked to another account" in response.content
    assert signed_in_user(client) is None


def test_denying_consent_at_the_provider_shows_a_clear_page(client, sso):
    response = client.get(sso.deny(start(client)))

    assert response.status_code == 400
    assert b"Sign-in cancelled" in response.content
    assert signed_in_user(client) is None


def test_a_callback_used_twice_is_refused(client, sso):
    UserFactory(username="sam", email="sam@acme.example")
    sso.set_user("okta-0012", email="sam@acme.example", email_verified=True)
    callback = sso.consent(start(client), "okta-0012")
    client.get(callback)
    client.post(reverse("logout"))

    response = client.get(callback)

    assert response.status_code == 400
    assert b"This sign-in has expired" in response.content
    assert signed_in_user(client) is None


def test_the_provider_refuses_a_code_without_its_pkce_verifier(client, sso):
    UserFactory(username="sam", email="sam@acme.example")
    sso.set_user("okta-0013", email="sam@acme.example", email_verified=True)
    authorize = start(client)
    state = parse_qs(urlparse(authorize).query)["state"][0]
    session = client.session
    session["oidc_states"][state]["code_verifier"] = "x" * 64  # not the one challenged
    session.save()

    response = client.get(sso.consent(authorize, "okta-0013"))

    assert response.status_code == 400
    assert b"Sign-in failed" in response.content
    assert signed_in_user(client) is None


def test_an_id_token_with_another_nonce_is_refused(client, sso):
    UserFactory(username="sam", email="sam@acme.example")
    sso.set_user("okta-0014", email="sam@acme.example", email_verified=True)
    authorize = start(client)
    state = parse_qs(urlparse(authorize).query)["state"][0]
    session = client.session
    session["oidc_states"][state]["nonce"] = "a-nonce-the-provider-never-saw"
    session.save()

    response = client.get(sso.consent(authorize, "okta-0014"))

    assert response.status_code == 400
    assert signed_in_user(client) is None


def test_after_sign_in_the_session_keeps_the_id_token_and_no_other(client, sso):
    UserFactory(username="sam", email="sam@acme.example")

    sign_in(client, sso, "okta-0015", email="sam@acme.example", email_verified=True)

    keys = set(client.session.keys())
    assert "sso_id_token" in keys  # to name the session to end at the provider
    assert not {key for key in keys if "access" in key or "refresh" in key}
    assert client.session["oidc_states"] == {}


def test_sign_in_goes_back_to_the_page_asked_for(client, sso):
    UserFactory(username="sam", email="sam@acme.example")

    response = sign_in(
        client,
        sso,
        "okta-0016",
        next_url="/obstacles/",
        email="sam@acme.example",
        email_verified=True,
    )

    assert response.url == "/obstacles/"


def test_sign_out_ends_the_session_here_and_at_the_provider(client, sso):
    UserFactory(username="sam", email="sam@acme.example")
    sign_in(client, sso, "okta-0017", email="sam@acme.example", email_verified=True)
    id_token = client.session["sso_id_token"]

    response = client.post(reverse("logout"))

    url = urlparse(response.url)
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{sso.issuer}/oauth2/end_session"
    assert query == {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": "http://testserver/accounts/login/",
        "client_id": settings.SSO_CLIENT_ID,
    }
    assert signed_in_user(client) is None
    assert client.get(reverse("home")).status_code == 302


def test_a_password_session_signs_out_as_before(client_for, sso, leader):
    response = client_for(leader).post(reverse("logout"))

    assert response.url == reverse("login")


def test_the_chosen_language_is_applied_at_a_single_sign_on(client, sso):
    sam = UserFactory(username="sam", email="sam@acme.example")
    Preference.remember_language(sam, "fr")

    response = sign_in(client, sso, "okta-0018", email="sam@acme.example", email_verified=True)

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_the_language_picked_before_a_first_single_sign_on_is_kept(client, sso):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    sign_in(client, sso, "okta-0019", email="nora@acme.example", email_verified=True)

    assert Preference.objects.language_of(User.objects.get(email="nora@acme.example")) == "fr"


def test_failed_returns_from_the_provider_pause_sign_in_from_that_address(client, sso, settings):
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 3
    for _ in range(3):
        client.get(sso.deny(start(client)))
    UserFactory(username="sam", email="sam@acme.example")

    response = sign_in(client, sso, "okta-0020", email="sam@acme.example", email_verified=True)

    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert signed_in_user(client) is None


def test_an_unreachable_provider_gets_a_clear_page(client, sso, settings):
    settings.SSO_ISSUER = "http://127.0.0.1:9"  # nothing listens on the discard port

    response = client.get(reverse("sso_start"))

    assert response.status_code == 503
    assert b"Acme ID cannot be reached" in response.content


@pytest.fixture
def impostor(sso):
    """A server on loopback whose discovery document copies the provider's but names the
    provider as issuer: what a spoofed or misconfigured address would serve."""
    document = requests.get(f"{sso.issuer}/.well-known/openid-configuration", timeout=5).content

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_a_discovery_document_naming_another_issuer_is_not_trusted(client, impostor, settings):
    settings.SSO_ISSUER = impostor

    response = client.get(reverse("sso_start"))

    assert response.status_code == 503
    assert b"Acme ID cannot be reached" in response.content


def test_the_discovery_document_is_fetched_once_and_kept(client, sso, monkeypatch):
    fetched = []
    real_get = requests.get
    monkeypatch.setattr(
        requests, "get", lambda url, **kw: fetched.append(url) or real_get(url, **kw)
    )

    start(client)
    start(client)

    assert fetched == [f"{sso.issuer}/.well-known/openid-configuration"]


def test_deactivating_a_person_ends_their_sessions_at_once(client, sso):
    sam = UserFactory(username="sam", email="sam@acme.example")
    sign_in(client, sso, "okta-0021", email="sam@acme.example", email_verified=True)
    assert Session.objects.filter(user=sam).count() == 1

    sam.is_active = False
    sam.save()

    # Even with its row still there, a deactivated person's session opens nothing.
    assert client.get(reverse("home")).status_code == 302
    assert Session.end_all_of(sam) == 1


# --- SSO-only mode ----------------------------------------------------------------------


@pytest.fixture
def sso_only(sso, settings):
    settings.SSO_ONLY = True
    return sso


def test_sso_only_refuses_passwords_but_not_to_superusers(client, sso_only, admin_user):
    UserFactory(username="sam")

    refused = client.post(reverse("login"), {"username": "sam", "password": PASSWORD})
    allowed = client.post(reverse("login"), {"username": "admin", "password": PASSWORD})

    assert refused.status_code == 200
    assert b"Only administrators sign in with a password here" in refused.content
    assert b"everyone else signs in with Acme ID" in refused.content
    assert allowed.status_code == 302 and signed_in_user(client) == str(admin_user.pk)


def test_sso_only_folds_the_password_form_away_for_administrators(client, sso_only):
    page = client.get(reverse("login")).content.decode()

    assert "Sign in with Acme ID" in page
    assert "Administrators: sign in with a password" in page
    folded = page[page.index("<details") : page.index("</details>")]
    assert 'name="password"' in folded and "Forgotten your password?" in folded


def test_sso_only_resets_superusers_passwords_alone(client, sso_only, admin_user, mailoutbox):
    UserFactory(username="sam", email="sam@acme.example")
    admin_user.email = "admin@acme.example"
    admin_user.save()

    page = client.get(reverse("password_reset"))
    client.post(reverse("password_reset"), {"email": "sam@acme.example"})
    client.post(reverse("password_reset"), {"email": "admin@acme.example"})

    assert b"Only administrators reset a Headway password here" in page.content
    assert [message.to for message in mailoutbox] == [["admin@acme.example"]]


def test_sso_only_ends_password_sessions_and_keeps_provider_ones(client, sso_only):
    sam = UserFactory(username="sam", email="sam@acme.example")
    client.force_login(sam, backend="headway.sso.PasswordBackend")
    assert client.get(reverse("home")).status_code == 302

    sign_in(client, sso_only, "okta-0022", email="sam@acme.example", email_verified=True)

    assert client.get(reverse("home")).status_code == 200


def test_sso_only_hides_and_refuses_the_password_change(client, sso_only):
    sam = UserFactory(username="sam", email="sam@acme.example")
    client.force_login(sam, backend="headway.sso.SSOBackend")

    assert b"Change password" not in client.get(reverse("home")).content
    assert client.get(reverse("password_change")).status_code == 403


def test_people_created_by_the_provider_have_no_password_to_change(client, sso):
    sign_in(client, sso, "okta-0023", email="nora@acme.example", email_verified=True)

    assert b"Change password" not in client.get(reverse("home")).content
    assert client.get(reverse("password_change")).status_code == 403
