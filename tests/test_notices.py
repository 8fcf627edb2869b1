from django.urls import reverse

from luoshi.notices.models import Notice
from luoshi.notices.services import notify


def test_notify_once_per_event_and_bell_counts_unread(client, users):
    assert notify([users.clerk], title="请于3日内报送", url="/ledger/", dedupe_key="t1") == 1
    assert notify([users.clerk], title="请于3日内报送", url="/ledger/", dedupe_key="t1") == 0
    notify([users.clerk, users.leader], title="督查通知")
    assert Notice.objects.filter(recipient=users.clerk).count() == 2
    client.force_login(users.clerk)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">2<' in html


def test_nobody_opens_another_persons_notice(client, users):
    notify([users.leader], title="仅领导可见", url="/units/")
    notice = Notice.objects.get(recipient=users.leader)
    client.force_login(users.clerk)
    assert client.get(reverse("notices:open", args=[notice.pk])).status_code == 404
    assert "仅领导可见" not in client.get(reverse("notices:list")).content.decode()
    client.force_login(users.leader)
    response = client.get(reverse("notices:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/units/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_read_all(client, users):
    notify([users.clerk], title="一")
    notify([users.clerk], title="二")
    client.force_login(users.clerk)
    client.post(reverse("notices:read_all"))
    assert not Notice.objects.for_user(users.clerk).unread().exists()
