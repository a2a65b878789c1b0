"""What the test provider says about its people: the standard claims, whether it has
verified the address (people in the ``email-verified`` group), and a ``groups`` claim."""

from typing import Any

from django.contrib.auth.models import User
from oidc_provider.lib.claims import ScopeClaims

VERIFIED = "email-verified"


def userinfo(claims: dict[str, Any], user: User) -> dict[str, Any]:
    claims["email"] = user.email
    claims["email_verified"] = user.groups.filter(name=VERIFIED).exists()
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    return claims


class GroupClaims(ScopeClaims):  # type: ignore[misc]
    info_groups = ("Groups", "The groups you belong to.")

    def scope_groups(self) -> dict[str, Any]:
        return {"groups": [g.name for g in self.user.groups.exclude(name=VERIFIED)]}
