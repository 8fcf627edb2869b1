from pathlib import Path

import opencc
import polib
from django.urls import reverse

PO = Path(__file__).resolve().parent.parent / "luoshi/locale/zh_Hant/LC_MESSAGES/django.po"


def test_default_ui_is_simplified(client, users):
    client.force_login(users.clerk)
    html = client.get(reverse("ledger:list")).content.decode()
    assert "工作台账" in html and "新增记录" in html
    assert "臺賬" not in html


def test_user_choosing_traditional_gets_traditional_ui(client, users):
    users.clerk.language = "zh-hant"
    users.clerk.save()
    client.force_login(users.clerk)
    response = client.get(reverse("ledger:list"))
    html = response.content.decode()
    assert "工作臺賬" in html and "新增記錄" in html
    assert response["Content-Language"] == "zh-hant"


def test_profile_page_switches_language(client, users):
    client.force_login(users.clerk)
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "录入员", "phone": "", "email": "", "language": "zh-hant"},
    )
    assert response.status_code == 302
    users.clerk.refresh_from_db()
    assert users.clerk.language == "zh-hant"
    assert "個人設置" in client.get(reverse("accounts:profile")).content.decode()


def test_traditional_catalog_is_generated_from_the_simplified_text():
    converter = opencc.OpenCC("s2t")
    catalog = polib.pofile(str(PO))
    assert len(catalog) > 100
    stale = [
        e.msgid
        for e in catalog
        if not e.msgid.isascii() and not e.msgid_plural and e.msgstr != converter.convert(e.msgid)
    ]
    assert stale == [], "run scripts/build_locale.py"
    assert PO.with_suffix(".mo").stat().st_mtime >= PO.stat().st_mtime - 1


def test_django_blank_choice_is_chinese(client, users):
    client.force_login(users.clerk)
    html = client.get(reverse("ledger:create")).content.decode()
    assert "- 请选择 -" in html and "Select an option" not in html
