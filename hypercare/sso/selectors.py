"""Reading identity provider settings, through the access policy, and finding the one an
address or an institution signs in with."""

from django.db.models import QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.sso.models import IdentityProvider


def visible_providers(user: User) -> QuerySet[IdentityProvider]:
    return IdentityProvider.objects.filter(access.identity_provider_scope(user)).select_related(
        "institution"
    )


def get_visible_provider(user: User, institution_id: int) -> IdentityProvider:
    provider = visible_providers(user).filter(institution_id=institution_id).first()
    if provider is None:
        raise NotFound("No single sign-on is set up for this institution, or you may not see it.")
    return provider


def enabled_provider(institution_slug: str) -> IdentityProvider | None:
    """The provider a sign-in link names; anyone may start a sign-in, so no actor."""
    return (
        IdentityProvider.objects.filter(enabled=True, institution__slug=institution_slug)
        .select_related("institution")
        .first()
    )


def provider_for_email(address: str) -> IdentityProvider | None:
    """The enabled provider whose allowed domains hold ``address``'s domain.

    A domain belongs to one institution at most (``IdentityProvider.clean``), so the
    answer is never a guess between two.
    """
    domain = address.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    providers = IdentityProvider.objects.filter(enabled=True).select_related("institution")
    return next((p for p in providers if domain in p.email_domains), None)
