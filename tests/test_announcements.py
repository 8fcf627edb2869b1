"""通知公告: an administrator or a unit administrator writes to units in scope, publishes
(then it cannot be edited, only withdrawn), readers see it on the home page and in the list,
opening it records the read, the author sees who has and has not read; 404 outside scope."""

import pytest
from django.urls import reverse

from luoshi.core.workflow import WorkflowStep
from luoshi.notices.models import Announcement, AnnouncementReceipt, Notice
from tests.factories import make_user


@pytest.fixture
def world(tree, users):
    users.child_clerk = make_user("u_child_clerk", tree.child, "clerk")
    return users


def create(client, tree, targets, title="关于开展意识形态工作自查的通知"):
    return client.post(
        reverse("notices:announcement_create"),
        {
            "unit": tree.own.pk,
            "title": title,
            "body": "请各单位于月底前完成自查。",
            "target_units": [u.pk for u in targets],
        },
    )


def step(client, announcement, name):
    return client.post(reverse("notices:announcement_step", args=[announcement.pk, name]))


def test_publish_read_and_receipts(client, tree, world):
    client.force_login(world.unit_admin)
    assert create(client, tree, [tree.own, tree.child]).status_code == 302
    announcement = Announcement.objects.get()
    assert announcement.status == "draft"
    # a draft is nobody's news yet
    client.force_login(world.child_clerk)
    assert client.get(announcement.get_absolute_url()).status_code == 404

    client.force_login(world.unit_admin)
    step(client, announcement, "publish")
    announcement.refresh_from_db()
    assert announcement.status == "published" and announcement.published_at
    assert WorkflowStep.objects.filter(transition="publish", actor=world.unit_admin).exists()
    told = Notice.objects.filter(url=announcement.get_absolute_url())
    assert world.child_clerk.pk in set(told.values_list("recipient", flat=True))
    assert world.sibling_clerk.pk not in set(told.values_list("recipient", flat=True))

    client.force_login(world.child_clerk)
    home = client.get(reverse("home"))
    assert "未读通知公告" in home.text and announcement.title in home.text
    assert "未读" in client.get(reverse("notices:announcements")).text
    page = client.get(announcement.get_absolute_url())
    assert "请各单位于月底前完成自查。" in page.text
    assert AnnouncementReceipt.objects.filter(user=world.child_clerk).count() == 1
    client.get(announcement.get_absolute_url())  # opened twice: one receipt
    assert AnnouncementReceipt.objects.filter(user=world.child_clerk).count() == 1
    assert not told.filter(recipient=world.child_clerk, read_at=None).exists()
    assert announcement.title not in client.get(reverse("home")).text

    client.force_login(world.unit_admin)
    readers = client.get(reverse("notices:announcement_readers", args=[announcement.pk]))
    child = readers.context["groups"][1]
    assert child.unit == tree.child
    assert [p for p, _ in child.read] == [world.child_clerk] and child.unread == []
    own = readers.context["groups"][0]
    assert world.clerk in own.unread
    assert "已读 1 人，未读 0 人" in readers.text


def test_a_published_announcement_cannot_be_edited_only_withdrawn(client, tree, world):
    client.force_login(world.unit_admin)
    create(client, tree, [tree.child])
    announcement = Announcement.objects.get()
    step(client, announcement, "publish")
    edit_url = reverse("notices:announcement_update", args=[announcement.pk])
    assert client.get(edit_url).status_code == 404
    client.post(edit_url, {"unit": tree.own.pk, "title": "改过", "body": "x"})
    announcement.refresh_from_db()
    assert announcement.title != "改过"
    step(client, announcement, "publish")  # twice: refused, nothing changes
    assert WorkflowStep.objects.filter(transition="publish").count() == 1
    step(client, announcement, "withdraw")
    announcement.refresh_from_db()
    assert announcement.status == "withdrawn"
    client.force_login(world.child_clerk)
    assert client.get(announcement.get_absolute_url()).status_code == 404
    assert announcement.title not in client.get(reverse("notices:announcements")).text


def test_targets_outside_scope_are_refused(client, tree, world):
    client.force_login(world.unit_admin)  # 宣传部 and below; 教育局 is a sibling
    response = create(client, tree, [tree.sibling])
    assert response.status_code == 200
    assert "target_units" in response.context["form"].errors
    assert not Announcement.objects.exists()


def test_authors_and_readers_outside_scope_get_404(client, tree, world):
    client.force_login(world.unit_admin)
    create(client, tree, [tree.child])
    announcement = Announcement.objects.get()
    step(client, announcement, "publish")
    client.force_login(world.sibling_clerk)  # neither addressed nor in the author's scope
    assert client.get(announcement.get_absolute_url()).status_code == 404
    assert client.get(
        reverse("notices:announcement_readers", args=[announcement.pk])
    ).status_code in {403, 404}
    assert step(client, announcement, "withdraw").status_code in {403, 404}
    announcement.refresh_from_db()
    assert announcement.status == "published"


def test_a_reader_cannot_take_the_authors_steps(client, tree, world):
    client.force_login(world.unit_admin)
    create(client, tree, [tree.own])
    announcement = Announcement.objects.get()
    step(client, announcement, "publish")
    client.force_login(world.clerk)  # addressed, but no authority over the announcement
    assert client.get(announcement.get_absolute_url()).status_code == 200
    assert step(client, announcement, "withdraw").status_code == 403
    announcement.refresh_from_db()
    assert announcement.status == "published"
