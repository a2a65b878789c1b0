"""The conversation with an institution's identity provider, held by Authlib.

Authlib runs the authorization code flow: it reads the issuer's discovery document,
sends state, nonce and a PKCE (S256) challenge, keeps them in the session, exchanges the
code, and validates the ID token (signature against the provider's JWKS, ``iss``, ``aud``,
``exp``, ``nonce``). What is left here is one client per institution, built from its
settings for each request, and every way the conversation can fail put in words.
"""

from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.http import HttpRequest, HttpResponse
from joserfc.errors import JoseError

from hypercare.errors import NotAllowed
from hypercare.sso.models import IdentityProvider

DISCOVERY_PATH = "/.well-known/openid-configuration"
TIMEOUT_SECONDS = 10


def _client(provider: IdentityProvider) -> DjangoOAuth2App:
    client: DjangoOAuth2App = OAuth().register(
        name=f"institution-{provider.institution_id}",
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.issuer.rstrip("/") + DISCOVERY_PATH,
        client_kwargs={
            "scope": provider.scopes,
            "code_challenge_method": "S256",
            "default_timeout": TIMEOUT_SECONDS,
        },
    )
    return client


def _unreachable(provider: IdentityProvider) -> NotAllowed:
    return NotAllowed(f"{provider.name} could not be reached. Try again in a few minutes.")


def start(request: HttpRequest, provider: IdentityProvider, redirect_uri: str) -> HttpResponse:
    """The redirect to the provider's sign-in page, its state kept in the session."""
    client = _client(provider)
    try:
        metadata = client.load_server_metadata()
        # The stubs type Authlib's core but not its Django app's two methods.
        response: HttpResponse = client.authorize_redirect(request, redirect_uri)  # type: ignore[no-untyped-call]
    except (requests.RequestException, ValueError, RuntimeError):
        raise _unreachable(provider) from None
    if str(metadata.get("issuer", "")).rstrip("/") != provider.issuer.rstrip("/"):
        # OpenID Connect Discovery 1.0, 4.3: a document naming another issuer is not used.
        raise NotAllowed(f"{provider.name}'s discovery document names another issuer.")
    return response


def finish(request: HttpRequest, provider: IdentityProvider) -> dict[str, Any]:
    """The validated claims of the ID token the provider's callback leads to."""
    client = _client(provider)
    try:
        token = client.authorize_access_token(request)  # type: ignore[no-untyped-call]
    except MismatchingStateError:
        raise NotAllowed(
            "This sign-in was not started in this browser or has already been used "
            "(the state does not match). Start the sign-in again."
        ) from None
    except OAuthError as exc:
        reason = exc.description or exc.error or "no reason given"
        raise NotAllowed(f"{provider.name} refused the sign-in: {reason}.") from None
    except JoseError:
        raise NotAllowed(f"{provider.name} sent an ID token that is not valid.") from None
    except (requests.RequestException, ValueError, RuntimeError, AuthlibBaseError):
        raise _unreachable(provider) from None
    claims = token.get("userinfo")
    if not isinstance(claims, dict):
        raise NotAllowed(f"{provider.name} sent no ID token.")
    return dict(claims)
