"""Fonts for the PDF: fontconfig aliases from the official names to free fonts.

``luoshi/reports/fonts/fonts.conf`` includes the system configuration (/etc/fonts/fonts.conf)
and adds the aliases (方正小标宋简体 → Noto Serif CJK SC Bold, 仿宋_GB2312 and 宋体 → Noto Serif
CJK SC, 楷体_GB2312 → AR PL KaitiM GB / AR PL UKai CN, 黑体 → Noto Sans CJK SC). fontconfig
reads ``FONTCONFIG_FILE`` whenever a configuration is built, so pointing it at that file before
WeasyPrint's ``FontConfiguration()`` is created activates the aliases for the PDFs. Importing
``luoshi.reports.rendering`` calls ``activate()``: it must happen before anything in the process
builds a WeasyPrint font configuration (one built with the system file alone was seen to leak a
DejaVu fallback into later PDFs). Ours is built once per process and reused (building it scans
the font cache).

A deployment that sets its own ``FONTCONFIG_FILE`` keeps it (the aliases must then be
included there); the PDF still renders, with whatever its fonts resolve to.
"""

from __future__ import annotations

import logging
import os
import threading
from functools import cache
from pathlib import Path

FONTS_CONF = Path(__file__).resolve().parent.parent / "fonts" / "fonts.conf"

logger = logging.getLogger(__name__)

# WeasyPrint's font configuration (a Pango font map) is shared, so renders take turns.
lock = threading.Lock()


def activate() -> None:
    current = os.environ.get("FONTCONFIG_FILE")
    if current is None:
        os.environ["FONTCONFIG_FILE"] = str(FONTS_CONF)
    elif Path(current).resolve() != FONTS_CONF:
        logger.warning(
            "FONTCONFIG_FILE=%s is set: the official font aliases of %s are not active "
            "unless that file includes them",
            current,
            FONTS_CONF,
        )


@cache
def font_configuration():
    activate()
    # heavy (≈1 s): only the PDF path needs weasyprint; loaded after activate() sets FONTCONFIG_FILE
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()
