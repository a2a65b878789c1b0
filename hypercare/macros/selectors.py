"""Reading macros: support staff see every one; anyone else sees none."""

from django.db.models import QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.macros.models import Macro


def visible_macros(user: User) -> QuerySet[Macro]:
    return Macro.objects.filter(access.macro_scope(user)).select_related("team", "saved_reply")


def get_visible_macro(user: User, pk: int) -> Macro:
    macro = visible_macros(user).filter(pk=pk).first()
    if macro is None:
        raise NotFound("No such macro, or you may not see macros.")
    return macro
