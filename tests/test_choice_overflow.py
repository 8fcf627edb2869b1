"""A posted choice id beyond the database's integer range is an invalid choice (a form
error), never a 500 — without patching Django's form fields process-wide."""

import pytest
from django import forms
from django.contrib.auth.models import Permission

from luoshi.accounts.forms import RoleForm
from luoshi.core.forms import ChoiceIdsInRangeMixin
from luoshi.publications.forms import ReviewConfigForm
from luoshi.units.models import Unit

HUGE = ["99999999999999999999", "-99999999999999999999", str(2**63)]


class _Form(ChoiceIdsInRangeMixin, forms.Form):
    one = forms.ModelChoiceField(queryset=Unit.objects.all())
    many = forms.ModelMultipleChoiceField(queryset=Unit.objects.all())


def test_a_role_choice_refuses_an_id_out_of_range(users):
    """A role's key is a link to its group: Django does not check the range there."""
    form = ReviewConfigForm(data={"first_role": "9" * 30}, user=users.admin)
    assert not form.is_valid() and "first_role" in form.errors


def test_django_form_fields_are_not_patched():
    assert forms.ModelChoiceField.to_python.__module__ == "django.forms.models"
    assert forms.ModelMultipleChoiceField._check_values.__module__ == "django.forms.models"


@pytest.mark.parametrize("value", HUGE)
def test_form_refuses_an_id_out_of_range(tree, value):
    form = _Form(data={"one": value, "many": [str(tree.own.pk), value]})
    assert not form.is_valid()
    assert set(form.errors) == {"one", "many"}


@pytest.mark.parametrize("value", HUGE)
def test_role_form_refuses_ids_out_of_range(tree, value):
    """Both kinds: a many-to-many field of the model and a declared multiple choice."""
    permission = Permission.objects.filter(codename="view_ledgerrecord").get()
    data = {"name": "角色", "code": "r1", "data_scope": "custom"}
    form = RoleForm(data={**data, "custom_units": [value], "permissions": [permission.pk]})
    assert not form.is_valid() and "custom_units" in form.errors
    form = RoleForm(data={**data, "custom_units": [tree.own.pk], "permissions": [value]})
    assert not form.is_valid() and "permissions" in form.errors


@pytest.mark.parametrize("value", ["²", "1²3", "－1"])
def test_digits_that_int_refuses_are_an_invalid_choice_not_a_500(tree, value):
    """「²」 is a digit to str.isdigit() that int() refuses: an invalid choice, never a crash."""
    form = _Form(data={"one": value, "many": [value]})
    assert not form.is_valid()
    assert set(form.errors) == {"one", "many"}
