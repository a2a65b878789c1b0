"""Whether the menu offers single sign-on settings: to desk managers, and to an
institution's admin whose institution has a provider set up."""

from django import template

from hypercare import access
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.sso.selectors import visible_providers

register = template.Library()


@register.filter
def configures_sso(user: User) -> bool:
    return access.can_configure_sso(user)


@register.filter
def reads_own_sso(user: User) -> bool:
    """Asked of an institution's admin only, so other people's pages run no query."""
    if user.institution_id is None or not user.has_role(Role.INSTITUTION_ADMIN):
        return False
    return visible_providers(user).filter(institution_id=user.institution_id).exists()
