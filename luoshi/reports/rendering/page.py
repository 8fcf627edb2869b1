"""The GB/T 9704-2012 page, in the units each format wants.

A4 (210 × 297 mm), margins top 37, bottom 35, left 28, right 26 mm: a text block of
156 × 225 mm holding 22 lines × 28 characters of 3号 (16 pt) 仿宋.

Word's document grid (``w:docGrid w:type="linesAndChars"``), in twips (1/1440 inch):

* page 11906 × 16838 twips (A4); margins 2098 / 1984 / 1587 / 1474 twips
  (37 / 35 / 28 / 26 mm × 1440 / 25.4, rounded);
* text height 16838 − 2098 − 1984 = 12756 twips; ÷ 22 lines = 579.8 → ``linePitch`` 579
  (28.95 pt; rounded down so 22 lines always fit);
* text width 11906 − 1587 − 1474 = 8845 twips = 442.25 pt; ÷ 28 = 15.795 pt per character.

The grid is a LINE grid (``w:type="lines"``): a character grid (``linesAndChars`` with a
negative ``charSpace``) is honoured by Word alone — LibreOffice and WPS give every 16 pt
character two cells of a 15.8 pt grid and show 14 characters a line. Instead every run is
condensed by ``w:spacing`` in twentieths of a point, the same for every program:
(15.795 − 16) × 20 = −4.1 → −5 (−0.25 pt: 28 × 15.75 = 441 pt fits, 29 would not).

The PDF uses the same numbers in CSS (luoshi/reports/static/reports/document.css):
line-height 28.95 pt and letter-spacing −0.21 pt.
"""

import math

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号

# 页码: 「一字线上距版心下边缘 7 mm」. The text block ends 35 mm above the page's bottom edge,
# so the dashes sit 28 mm above it; they are at mid-height of the footer's one 16 pt (5.6 mm)
# line, so that line's bottom is ≈ 25 mm above the page edge.
FOOTER_DISTANCE_MM = 25


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


TEXT_WIDTH_TWIPS = twips(PAGE_WIDTH_MM) - twips(MARGIN_LEFT_MM) - twips(MARGIN_RIGHT_MM)
TEXT_HEIGHT_TWIPS = twips(PAGE_HEIGHT_MM) - twips(MARGIN_TOP_MM) - twips(MARGIN_BOTTOM_MM)
LINE_PITCH_TWIPS = TEXT_HEIGHT_TWIPS // LINES_PER_PAGE
# Condensed character spacing of every run, in twentieths of a point (w:spacing/@w:val).
CHAR_SPACING = math.floor((TEXT_WIDTH_TWIPS / 20 / CHARS_PER_LINE - BODY_PT) * 20)
