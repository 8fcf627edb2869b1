"""Field factories for the links and states every module declares the same way.

Each returns an ordinary Django field, so a model still reads as the list of what it stores;
the factory only fixes the options that are the same everywhere (and must stay the same for
the migrations): who is linked with ``on_delete=PROTECT`` and no reverse accessor, what an
optional link means (``null`` and ``blank``), how a workflow state is stored.

They return ``Any``: django-stubs types a field from the field class called in the model body,
and cannot see through a factory (a field typed ``ForeignKey`` without its target would be
wrong; ``Any`` is only less precise).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def user_fk(verbose_name, *, optional: bool = False, **options) -> Any:
    """A staff member (the user model): PROTECT, no reverse accessor; ``optional``: may stay
    empty (``null`` and ``blank``)."""
    if optional:
        options.update(null=True, blank=True)
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        related_name="+",
        **options,
    )


def optional_fk(to, verbose_name, on_delete, related_name="+", **options) -> Any:
    """A link that may stay empty (``null`` and ``blank``)."""
    return _optional(models.ForeignKey, to, verbose_name, on_delete, related_name, options)


def optional_one_to_one(to, verbose_name, on_delete, related_name="+", **options) -> Any:
    """A one-to-one link that may stay empty (``null`` and ``blank``)."""
    return _optional(models.OneToOneField, to, verbose_name, on_delete, related_name, options)


def _optional(field_class, to, verbose_name, on_delete, related_name, options):
    return field_class(
        to,
        verbose_name=verbose_name,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name=related_name,
        **options,
    )


def status_field(
    choices: type[models.TextChoices], default, *, max_length: int = 10, **options
) -> Any:
    """The record's workflow state (「状态」), one of ``choices``."""
    return models.CharField(
        _("状态"), max_length=max_length, choices=choices.choices, default=default, **options
    )
