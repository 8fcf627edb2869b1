"""A ``Chart`` as a PNG image (matplotlib, Agg backend), embedded in the .docx and the PDF.

Chinese labels are drawn with Noto Sans CJK (Debian ``fonts-noto-cjk``, see scripts/sysdeps.sh):
the SC face for Simplified output, the TC face for Traditional. The web preview draws the
same data with ECharts (``echarts_option``).
"""

from __future__ import annotations

import contextlib
import io
import threading
from functools import cache, lru_cache

from luoshi.core.script import convert
from luoshi.reports.document import Chart

NOTO_SANS_CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
WIDTH_MM, HEIGHT_MM = 150, 80
EMPTY_HEIGHT_MM = 15
DPI = 200
_COLOURS = ["#c23531", "#2f4554", "#61a0a8", "#d48265", "#91c7ae", "#749f83", "#ca8622"]


# rcParams are process-wide: charts are drawn one at a time.
_lock = threading.Lock()


@cache
def _matplotlib():
    # heavy (≈1 s): only the charts of a report need matplotlib
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager  # heavy: matplotlib, as above
    from matplotlib.figure import Figure  # heavy: matplotlib, as above

    # All faces of the collection; without fonts-noto-cjk, labels fall back to DejaVu (tofu).
    with contextlib.suppress(OSError):
        font_manager.fontManager.addfont(NOTO_SANS_CJK)
    return matplotlib, Figure


def chart_png(chart: Chart, *, script: str = "simplified") -> bytes:
    """PNG bytes; the same chart is drawn once per process (docx and PDF share it)."""
    key = (
        chart.title,
        chart.kind,
        tuple(chart.categories),
        tuple((name, tuple(values)) for name, values in chart.series),
        tuple(chart.colors),
        chart.integer,
    )
    return _chart_png(key, script)


@lru_cache(maxsize=64)
def _chart_png(key: tuple, script: str) -> bytes:
    title, kind, categories, series, colors, integer = key
    chart = Chart(
        title, kind, list(categories), [(n, list(v)) for n, v in series], list(colors), integer
    )
    matplotlib, Figure = _matplotlib()
    family = "Noto Sans CJK TC" if script == "traditional" else "Noto Sans CJK SC"
    rc = {
        "font.family": [family, "DejaVu Sans"],
        "font.size": 10,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    empty = not chart.categories or not any(any(values) for _, values in chart.series)
    height = EMPTY_HEIGHT_MM if empty else HEIGHT_MM
    with _lock, matplotlib.rc_context(rc):
        fig = Figure(figsize=(WIDTH_MM / 25.4, height / 25.4), dpi=DPI)
        ax = fig.subplots()
        if empty:  # a strip saying so, rather than an empty frame
            ax.axis("off")
            ax.text(0.5, 0.5, convert("暂无数据", script), ha="center", va="center", color="#666")
        else:
            _draw(ax, chart)
            fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _colour(chart: Chart, i: int) -> str:
    """The series' own colour (a risk level's), else the palette's."""
    if i < len(chart.colors) and chart.colors[i]:
        return chart.colors[i]
    return _COLOURS[i % len(_COLOURS)]


def _draw(ax, chart: Chart) -> None:
    categories = list(chart.categories)
    series = list(chart.series)
    if chart.kind == "pie":
        name, values = series[0]
        ax.pie(
            values,
            labels=categories,
            autopct="%1.0f%%",
            colors=[_COLOURS[i % len(_COLOURS)] for i in range(len(values))],
            startangle=90,
            counterclock=False,
        )
        ax.axis("equal")
        return
    positions = range(len(categories))
    if chart.kind == "line":
        for i, (name, values) in enumerate(series):
            ax.plot(positions, values, marker="o", label=name, color=_colour(chart, i))
    else:  # bar (grouped)
        n = max(len(series), 1)
        width = 0.8 / n
        for i, (name, values) in enumerate(series):
            offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
            bars = ax.bar(offsets, values, width, label=name, color=_colour(chart, i))
            labels = [f"{v:g}" if v else "" for v in values]  # no 「0」 over an empty bar
            ax.bar_label(bars, labels=labels, fontsize=8)
    ax.set_xticks(list(positions), categories)
    if chart.integer:
        ax.yaxis.get_major_locator().set_params(integer=True)  # AutoLocator: a MaxNLocator
    ax.grid(axis="y", alpha=0.3)
    if len(series) > 1 or (series and series[0][0]):
        ax.legend(frameon=False)


def echarts_option(chart: Chart) -> dict:
    """The same chart as an ECharts option, for the HTML preview page."""
    if chart.kind == "pie":
        name, values = chart.series[0] if chart.series else ("", [])
        return {
            "tooltip": {"trigger": "item"},
            "series": [
                {
                    "type": "pie",
                    "name": name,
                    "data": [
                        {"name": c, "value": v}
                        for c, v in zip(chart.categories, values, strict=False)
                    ],
                }
            ],
        }
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "xAxis": {"type": "category", "data": list(chart.categories)},
        "yAxis": {"type": "value", "minInterval": 1 if chart.integer else 0},
        "series": [
            {
                "type": chart.kind if chart.kind in ("bar", "line") else "bar",
                "name": n,
                "data": list(v),
                **({"itemStyle": {"color": chart.colors[i]}} if i < len(chart.colors) else {}),
            }
            for i, (n, v) in enumerate(chart.series)
        ],
    }
