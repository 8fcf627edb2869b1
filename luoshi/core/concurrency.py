"""Optimistic versioning: the one mechanism against lost updates on edited records.

A model opts in with an integer field ``version``. An edit claims the version it was read
at with a conditional UPDATE (``WHERE pk = … AND version = v`` → ``version = v + 1``);
exactly one of several simultaneous edits matches, the others get ``StaleEdit`` with a
clear Chinese message and change nothing.

``OptimisticEditMixin`` is the one place an edit page applies it: ``ScopedUpdateView``
(every model edit page) and the few edit pages built on ``FormView`` use it. The form
carries the version it was loaded at as a hidden field; a stale save is refused with the
message on the form, the user's input kept, and the hidden version moved to the current
one so that saving again (after looking at the other change) is a deliberate choice.
Every model with an edit page has a ``version`` field (migrations ``*_optimistic_version``);
``tests/test_versioning.py`` checks that no edit page of the URLconf is left without it.
"""

from django import forms
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _


class StaleEdit(Exception):
    """Somebody else saved the record since it was read."""


def stale_message() -> str:
    return _("该记录已被他人修改，请刷新后重试")


def is_versioned(model) -> bool:
    try:
        return isinstance(model._meta.get_field("version"), models.IntegerField)
    except Exception:
        return False


def claim_version(instance, expected: int) -> None:
    """Take the edit of ``instance`` read at ``expected``; raise ``StaleEdit`` if outrun.

    Call inside the transaction that then saves ``instance`` (its ``version`` is set to
    the new value, so the save keeps it).
    """
    model = type(instance)
    claimed = model._default_manager.filter(pk=instance.pk, version=expected).update(
        version=F("version") + 1
    )
    if not claimed:
        raise StaleEdit(stale_message())
    instance.version = expected + 1


class OptimisticEditMixin:
    """For an edit view (``UpdateView`` or a ``FormView`` editing one record): the lost
    update check. ``versioned_object()`` is the record edited (``self.object`` by default).
    """

    def versioned_object(self):
        return self.object

    def _versioned(self):
        obj = self.versioned_object()
        return obj if obj is not None and is_versioned(type(obj)) else None

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        obj = self._versioned()
        if obj is not None and "version" not in form.fields:
            form.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=obj.version
            )
        return form

    def form_valid(self, form):
        obj = self._versioned()
        if obj is None:
            return super().form_valid(form)
        expected = form.cleaned_data.get("version")
        if expected is None:  # a page that does not render the field: the version read now
            expected = obj.version
        try:
            with transaction.atomic():
                claim_version(obj, expected)
                if getattr(form, "instance", None) is not None and form.instance.pk == obj.pk:
                    form.instance.version = obj.version
                return super().form_valid(form)
        except StaleEdit as error:
            current = type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True)
            form.data = form.data.copy()
            form.data[form.add_prefix("version")] = current.first()
            form.add_error(None, f"{error}{_('（您填写的内容已保留，核对后可再次保存。）')}")
            return self.form_invalid(form)
