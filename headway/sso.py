"""Single sign-on through the company's OpenID Connect provider, on mozilla-django-oidc.

The library runs the authorization code flow with PKCE and checks state and nonce. Headway
adds what it leaves out: the provider's endpoints from its discovery document (fetched at
first use, kept an hour), the ID token's issuer and audience checked, the linking rules
(headway.models.Identity), a clear page for every refusal, sign-in throttling and the
person's language, and signing out of the provider too when it offers it.

Everything is read from settings (SSO_* in headway/settings.py); with SSO_ISSUER unset the
views answer 404 and the backend authenticates nobody.
"""

import logging
import time
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LogoutView
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import i18n
from .models import Identity, Refusal, Refused
from .throttling import SignInThrottle

logger = logging.getLogger(__name__)

# The session key of the ID token, kept only to name the session to end at the provider.
ID_TOKEN_KEY = "sso_id_token"
# How long a fetched discovery document is used before it is fetched again.
DISCOVERY_LIFETIME = 3600
# Signing algorithms accepted for ID tokens, in order of preference (never "none" or HS*).
SIGNING_ALGORITHMS = ("RS256", "ES256", "PS256", "RS384", "ES384", "RS512", "ES512")
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")


class ProviderUnavailable(Exception):
    """The identity provider's discovery document could not be had, or is not usable."""


# Per process: {issuer: (monotonic time fetched, document)}.
_discovered = {}


def provider():
    """The provider's discovery document (/.well-known/openid-configuration of SSO_ISSUER),
    fetched at first use and kept for DISCOVERY_LIFETIME; when fetching again fails, the
    copy in hand is used rather than refusing everyone."""
    issuer = settings.SSO_ISSUER
    cached = _discovered.get(issuer)
    if cached and time.monotonic() - cached[0] < DISCOVERY_LIFETIME:
        return cached[1]
    try:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.SSO_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
        _check_discovery(issuer, document)
    except (requests.RequestException, ValueError, ProviderUnavailable) as error:
        if cached:
            logger.warning("single sign-on: discovery failed (%s); using the earlier copy", error)
            return cached[1]
        logger.error("single sign-on: the provider's discovery document failed: %s", error)
        raise ProviderUnavailable(str(error)) from error
    _discovered[issuer] = (time.monotonic(), document)
    return document


def _check_discovery(issuer, document):
    if not isinstance(document, dict):
        raise ProviderUnavailable("the discovery document is not a JSON object")
    # OpenID Connect Discovery 1.0, 4.3: the issuer it names must be the one asked.
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderUnavailable(f"the discovery document names issuer {document.get('issuer')}")
    missing = [name for name in REQUIRED_ENDPOINTS if not document.get(name)]
    if missing:
        raise ProviderUnavailable("the discovery document lacks " + ", ".join(missing))


def signing_algorithm(document):
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    return next((alg for alg in SIGNING_ALGORITHMS if alg in offered), "RS256")


def provider_name():
    """The provider's name as the sign-in button says it: "Sign in with <name>"."""
    return settings.SSO_NAME or _("your company account")


def may_change_password(user):
    """Whether Headway's password is the person's way in, so theirs to change: not for
    those with no password (they came through the provider), nor in SSO-only mode."""
    return user.has_usable_password() and (user.is_superuser or not settings.SSO_ONLY)


class PasswordBackend(ModelBackend):
    """Passwords: everyone's, or in SSO-only mode superusers' alone (the way in when the
    provider is down). A session a password opened ends when SSO-only mode starts."""

    def user_can_authenticate(self, user):
        if settings.SSO_ONLY and not user.is_superuser:
            return False
        return super().user_can_authenticate(user)


class SSOBackend(OIDCAuthenticationBackend):
    """The person an authorization code signs in (headway.models.Identity's rules)."""

    def __init__(self, *args, **kwargs):
        # Django builds every backend for every sign-in, passwords included: nothing here
        # may reach the provider, which may be down while an administrator breaks the glass.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.SSO_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.SSO_CLIENT_SECRET
        self.OIDC_RP_IDP_SIGN_KEY = None

    # The library's settings, from the discovery document rather than from settings.
    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):
        return provider()["token_endpoint"]

    @property
    def OIDC_OP_USER_ENDPOINT(self):
        return provider().get("userinfo_endpoint")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):
        return provider()["jwks_uri"]

    @property
    def OIDC_RP_SIGN_ALGO(self):
        return signing_algorithm(provider())

    def authenticate(self, request, **kwargs):
        # Only the callback passes a nonce: a password sign-in never comes this way.
        if not settings.SSO_ENABLED or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id):
        user = super().get_user(user_id)
        # The library would keep a deactivated person signed in; Django's backend would not.
        return user if user is not None and self.user_can_authenticate(user) else None

    def verify_token(self, token, **kwargs):
        """The library checks the signature, expiry and nonce; the issuer and audience are
        checked here (OpenID Connect Core 1.0, 3.1.3.7)."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if str(payload.get("iss", "")).rstrip("/") != settings.SSO_ISSUER:
            raise SuspiciousOperation("ID token from another issuer")
        if settings.SSO_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        if len(audiences) > 1 and payload.get("azp") != settings.SSO_CLIENT_ID:
            raise SuspiciousOperation("ID token authorized for another client")
        return payload

    def store_tokens(self, access_token, id_token):
        """Keep nothing but the ID token, and that only when the provider can end its own
        session: it names that session when Headway signs the person out."""
        if provider().get("end_session_endpoint"):
            self.request.session[ID_TOKEN_KEY] = id_token

    def get_or_create_user(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            # Core 1.0, 5.3.2: a userinfo answer about another subject must not be used.
            if userinfo.get("sub") == payload.get("sub"):
                claims = {**userinfo, **payload}
            else:
                logger.warning("single sign-on: userinfo names another subject; ignored")
        try:
            return Identity.person_signing_in(settings.SSO_ISSUER, claims)
        except Refused as refused:
            logger.info("single sign-on refused: %s", refused.reason)
            self.request.sso_refusal = refused.reason
            return None


# Every way a return from the provider can end without signing in: (title, explanation,
# HTTP status). "%(provider)s" is the provider's name.
STALE, CANCELLED, FAILED, THROTTLED, UNAVAILABLE = (
    "stale",
    "cancelled",
    "failed",
    "throttled",
    "unavailable",
)
REFUSALS = {
    Refusal.NO_EMAIL: (
        _("No e-mail address came with your account"),
        _(
            "%(provider)s did not tell Headway your e-mail address, which Headway needs to "
            "find you. Ask your administrator to share it with Headway."
        ),
        403,
    ),
    Refusal.UNVERIFIED_EMAIL: (
        _("Your e-mail address is not verified"),
        _(
            "%(provider)s does not vouch that this e-mail address is yours, so Headway cannot "
            "tell whose account it is. Verify your address with %(provider)s, or ask your "
            "administrator, then sign in again."
        ),
        403,
    ),
    Refusal.NOT_ADDED: (
        _("You are not in Headway yet"),
        _(
            "%(provider)s knows you, but Headway has nobody with your e-mail address. Ask "
            "your Headway administrator to add you, then sign in again."
        ),
        403,
    ),
    Refusal.DOMAIN_NOT_ALLOWED: (
        _("You are not in Headway yet"),
        _(
            "Headway creates accounts for your organization's e-mail addresses only, and "
            "yours is not one of them. Ask your Headway administrator to add you."
        ),
        403,
    ),
    Refusal.DEACTIVATED: (
        _("Your account is deactivated"),
        _("Your Headway account is no longer active. Ask your administrator if this is a mistake."),
        403,
    ),
    Refusal.SUPERUSER: (
        _("Administrators sign in with their password"),
        _(
            "This e-mail address belongs to a Headway administrator, whose account an e-mail "
            "address alone never opens. Sign in with your password, or ask another "
            "administrator to link your %(provider)s account."
        ),
        403,
    ),
    Refusal.AMBIGUOUS: (
        _("Several people have this e-mail address"),
        _(
            "More than one person in Headway has your e-mail address, so Headway cannot tell "
            "which one you are. Ask your administrator to correct it."
        ),
        403,
    ),
    Refusal.LINKED_ELSEWHERE: (
        _("Your Headway account is linked to another account"),
        _(
            "The Headway account with your e-mail address signs in with another "
            "%(provider)s account. Ask your administrator to unlink it first."
        ),
        403,
    ),
    STALE: (
        _("This sign-in has expired"),
        _("The sign-in took too long or was already used. Start again."),
        400,
    ),
    CANCELLED: (
        _("Sign-in cancelled"),
        _("%(provider)s did not sign you in. Start again if you meant to."),
        400,
    ),
    FAILED: (
        _("Sign-in failed"),
        _(
            "Headway could not complete your sign-in with %(provider)s. Try again; if it "
            "keeps failing, tell your administrator."
        ),
        400,
    ),
    THROTTLED: (
        _("Too many failed sign-ins"),
        _("Too many sign-ins failed from your network. Wait a few minutes and try again."),
        429,
    ),
    UNAVAILABLE: (
        _("%(provider)s cannot be reached"),
        _(
            "Headway cannot reach %(provider)s right now. Try again in a few minutes; "
            "administrators can still sign in with their password."
        ),
        503,
    ),
}


def refused(request, reason):
    """The page that says why the person is not signed in, and what to do."""
    title, explanation, status = REFUSALS[reason]
    names = {"provider": provider_name()}
    context = {"title": title % names, "explanation": explanation % names, "reason": reason}
    return render(request, "registration/sso_refused.html", context, status=status)


@method_decorator(login_not_required, name="dispatch")
class SignInView(OIDCAuthenticationRequestView):
    """ "Sign in with <provider>": off to the provider's authorization endpoint."""

    def __init__(self, **kwargs):
        # Skips the library's reading of the endpoint at construction: it comes from the
        # discovery document, fetched in get().
        View.__init__(self, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.SSO_CLIENT_ID

    def get(self, request):
        if not settings.SSO_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider()["authorization_endpoint"]
        except ProviderUnavailable:
            return refused(request, UNAVAILABLE)
        return super().get(request)

    def get_extra_params(self, request):
        # The provider's pages in the language Headway's are in, where it can.
        return {"ui_locales": translation.get_language()}


@method_decorator(login_not_required, name="dispatch")
class CallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: the code exchanged, the person found, signed in."""

    def get(self, request):
        if not settings.SSO_ENABLED:
            raise Http404
        if SignInThrottle(request, None).is_locked():
            logger.warning("single sign-on refused: too many failed attempts")
            return refused(request, THROTTLED)
        state = request.GET.get("state")
        if "code" in request.GET and state not in request.session.get("oidc_states", {}):
            request.sso_refusal = STALE
            return self.login_failure()
        try:
            return super().get(request)
        except ProviderUnavailable:
            return refused(request, UNAVAILABLE)
        except (SuspiciousOperation, requests.RequestException, IntegrityError) as error:
            logger.warning("single sign-on failed: %s", error)
            request.sso_refusal = FAILED
            return self.login_failure()

    def login_failure(self):
        request = self.request
        request.session.pop(ID_TOKEN_KEY, None)
        SignInThrottle(request, None).record_failure()
        reason = getattr(request, "sso_refusal", None)
        return refused(request, reason or (CANCELLED if request.GET.get("error") else FAILED))

    def login_success(self):
        return i18n.apply_at_sign_in(self.request, super().login_success())


@never_cache
@require_POST
def sign_out(request):
    """Sign out of Headway and, for a person who came through a provider that offers it
    (end_session_endpoint), of the provider too, coming back to the sign-in page."""
    id_token = request.session.get(ID_TOKEN_KEY)
    response = LogoutView.as_view()(request)
    if not (id_token and settings.SSO_ENABLED):
        return response
    try:
        end_session = provider().get("end_session_endpoint")
    except ProviderUnavailable:
        return response
    if not end_session:
        return response
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
            "client_id": settings.SSO_CLIENT_ID,
        }
    )
    return HttpResponseRedirect(f"{end_session}{'&' if '?' in end_session else '?'}{query}")
