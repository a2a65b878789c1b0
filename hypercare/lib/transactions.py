"""The transaction of a write use case, and use cases composed into one.

Every service runs its writes in ``use_case()``. On its own that is
``transaction.atomic(durable=True)``: a use case never runs inside someone else's
transaction by accident, which would make its commit (and its notifications) depend on a
caller it does not know. Some use cases are made of others — the mail intake opens a
ticket, attaches the mail's files and records the message in one go — and must commit or
vanish whole. Such a use case runs ``composed()``: one durable transaction in which each
step's ``use_case()`` is a savepoint, so a step that refuses (a file of a forbidden type)
rolls back alone and the composing use case decides what follows.

A step that has a side effect outside the database before commit (a file written to
disk) registers its undo with ``on_rollback``; it runs if the composed transaction rolls
back after that step succeeded. Alone, such a step cleans up after itself.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_undo: ContextVar[list[Callable[[], None]] | None] = ContextVar("composed_undo", default=None)


@contextmanager
def use_case() -> Iterator[None]:
    """The writes of one use case: durable alone, a savepoint inside ``composed()``."""
    if _undo.get() is None:
        with transaction.atomic(durable=True):
            yield
    else:
        with transaction.atomic():
            yield


@contextmanager
def composed() -> Iterator[None]:
    """One durable transaction for a use case made of other use cases."""
    undo: list[Callable[[], None]] = []
    token = _undo.set(undo)
    try:
        with transaction.atomic(durable=True):
            yield
    except BaseException:
        for step in reversed(undo):
            step()
        raise
    finally:
        _undo.reset(token)


def on_rollback(step: Callable[[], None]) -> None:
    """Undo ``step``'s outside effect if the composed transaction around it rolls back;
    alone (nothing composed), the caller cleans up itself and this does nothing."""
    undo = _undo.get()
    if undo is not None:
        undo.append(step)
