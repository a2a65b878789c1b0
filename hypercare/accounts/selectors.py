"""Read queries for people and tokens."""

from django.db.models import QuerySet

from hypercare.accounts.models import ApiToken, User


def user_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def with_roles(users: QuerySet[User]) -> QuerySet[User]:
    """Users with their role grants loaded, so ``user.roles`` costs no query."""
    return users.prefetch_related("role_grants")
