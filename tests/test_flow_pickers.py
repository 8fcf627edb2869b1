"""Pickers and set-up hints: a one-choice unit picker comes chosen; 指定责任人 says what to
set up first when the unit has no 责任岗位 for the year, with the link to set them up."""

import datetime

import pytest
from django.urls import reverse

from luoshi.accounts.models import ResponsibilityPosition
from luoshi.duty import services
from luoshi.duty.selectors import latest_pack
from tests.factories import make_unit, make_user

YEAR = datetime.date.today().year


@pytest.fixture
def duty_item(tree, users):
    duty_list = services.generate_duty_list(
        unit=tree.own, year=YEAR, pack=latest_pack("yishixingtai"), user=users.unit_admin
    )
    return duty_list.items.get(code="study_group")


def test_assign_explains_the_positions_to_set_up_first(client, users, tree, duty_item):
    client.force_login(users.unit_admin)
    url = reverse("duty:item_assign", args=[duty_item.pk])
    page = client.get(url).content.decode()
    assert f"区委宣传部尚未设置 {YEAR} 年度的责任岗位" in page
    assert reverse("accounts:position_create") in page  # where to set them up
    ResponsibilityPosition.objects.create(
        unit=tree.own, year=YEAR, position="primary", user=users.leader
    )
    assert 'data-testid="positions-missing"' not in client.get(url).content.decode()


def test_a_one_choice_unit_picker_comes_chosen(client, tree, users):
    make_unit("新闻科二组", "T111", parent=tree.child)
    lone = make_user("u_child_admin", tree.child, "unit_admin")  # 新闻科 and its one group
    client.force_login(lone)
    form = client.get(reverse("tasks:task_create")).context["form"]
    assert form.fields["unit"].initial == tree.child.pk
    assert [u.code for u in form.fields["recipient_units"].queryset] == ["T111"]
    assert form.fields["recipient_units"].initial == [form.fields["recipient_units"].queryset[0].pk]
    assert "checked" in str(form["recipient_units"])  # the tree shows its one box ticked

    client.force_login(users.unit_admin)  # several choices: nothing ticked for them
    form = client.get(reverse("tasks:task_create")).context["form"]
    assert form.fields["recipient_units"].initial in (None, [])
