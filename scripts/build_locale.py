"""Rebuild the Traditional-Chinese catalog from the Simplified source strings.

UI strings are written once, in Simplified Chinese, as gettext msgids (zh-hans is the
default language and needs no catalog). The zh_Hant catalog is generated from them with
OpenCC (s2t) and compiled with polib, so no translation is ever typed twice:

    .venv/bin/python scripts/build_locale.py

Run it after changing UI text and commit luoshi/locale/. Django's own strings that its
zh_Hans catalog does not translate yet (``luoshi/core/django_strings.py``) get their
Chinese text from OVERRIDES, in both catalogs.
"""

import os
import subprocess
import sys
from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "luoshi" / "locale"
PO = LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"
HANS_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"

# English msgids of Django itself → Simplified Chinese.
# "This field is required." is translated differently by Django, DRF and django-simple-captcha;
# the project's catalog (LOCALE_PATHS) decides, whatever the order of INSTALLED_APPS.
OVERRIDES = {
    "- Select an option -": "- 请选择 -",
    "This field is required.": "该字段是必填项。",
}


def main() -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "luoshi.settings"}
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale=zh_Hant",
            "--no-obsolete",
            "--no-location",
            "--ignore=.venv/*",
            "--ignore=tests/*",
            "--ignore=staticfiles/*",
            "--ignore=var/*",
            "--ignore=scripts/*",
            "--ignore=bench/*",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    converter = opencc.OpenCC("s2t")
    catalog = polib.pofile(str(PO))
    catalog.metadata["Language"] = "zh_Hant"
    catalog.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    catalog.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    filled = 0
    for entry in catalog:
        if entry.msgid in OVERRIDES:
            entry.msgstr = converter.convert(OVERRIDES[entry.msgid])
        elif entry.msgid_plural:
            entry.msgstr_plural = {0: converter.convert(entry.msgid_plural)}
        else:
            entry.msgstr = converter.convert(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    catalog.save(str(PO))
    catalog.save_as_mofile(str(PO.with_suffix(".mo")))
    print(f"zh_Hant: {filled} strings converted, {PO.with_suffix('.mo').relative_to(ROOT)}")

    hans = polib.POFile()
    hans.metadata = {**catalog.metadata, "Language": "zh_Hans"}
    for msgid, msgstr in OVERRIDES.items():
        hans.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    HANS_PO.parent.mkdir(parents=True, exist_ok=True)
    hans.save(str(HANS_PO))
    hans.save_as_mofile(str(HANS_PO.with_suffix(".mo")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
