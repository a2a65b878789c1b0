"""Records that are evidence (a ticket's timeline, the configuration audit, the
data-protection register): rows are added, never changed or removed through the ORM, not
one at a time and not in bulk."""

from typing import Any, NoReturn, TypeVar

from django.db import models

_Row = TypeVar("_Row", bound=models.Model)


def _refusal(model: type[models.Model]) -> TypeError:
    return TypeError(f"{str(model._meta.verbose_name_plural).capitalize()} are append-only")


class AppendOnlyQuerySet(models.QuerySet[_Row]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise _refusal(self.model)

    def delete(self) -> NoReturn:
        raise _refusal(self.model)


class AppendOnly(models.Model):
    """A model whose saved rows are never changed or deleted; its manager should be an
    ``AppendOnlyQuerySet``'s, so bulk updates and deletes are refused too."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise _refusal(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise _refusal(type(self))
