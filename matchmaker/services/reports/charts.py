"""Charts for the 通报, drawn on the server with matplotlib (Agg, no display, no network) in a
CJK font found on the machine; without one the labels fall back to the default font."""

from __future__ import annotations

import io
from functools import cache

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from matchmaker.stats.labels import STAGE_LABELS  # noqa: E402
from matchmaker.stats.summary import Breakdown, TrendPoint  # noqa: E402
from matchmaker.stats.indicators import FunnelStep  # noqa: E402

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC", "SimHei")


@cache
def cjk_family() -> str | None:
    names = {font.name for font in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in names), None)


def _figure(width: float = 6.3, height: float = 2.8):
    family = cjk_family()
    with plt.rc_context({"font.family": [family] if family else ["DejaVu Sans"], "axes.unicode_minus": False}):
        figure, axes = plt.subplots(figsize=(width, height), dpi=150)
    if family:
        for text in (axes.title, axes.xaxis.label, axes.yaxis.label):
            text.set_family(family)
    return figure, axes, family


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def _font(axes, family: str | None) -> None:
    if family:
        for label in (*axes.get_xticklabels(), *axes.get_yticklabels()):
            label.set_family(family)
        legend = axes.get_legend()
        if legend:
            for text in legend.get_texts():
                text.set_family(family)


def funnel_png(steps: tuple[FunnelStep, ...]) -> bytes:
    figure, axes, family = _figure()
    labels = [STAGE_LABELS[s.stage] for s in steps][::-1]
    values = [s.leads for s in steps][::-1]
    bars = axes.barh(labels, values, color="#2f6fb0")
    axes.bar_label(bars, padding=3)
    axes.set_title("转化漏斗（线索数）", family=family)
    _font(axes, family)
    return _png(figure)


def trend_png(trend: tuple[TrendPoint, ...]) -> bytes:
    figure, axes, family = _figure()
    months = [p.month for p in trend]
    axes.bar(months, [p.disbursed.recorded.amount / 10_000 for p in trend], color="#2f6fb0", label="放款金额（万元）")
    axes.plot(months, [p.approved.recorded.amount / 10_000 for p in trend], color="#d9822b", marker="o",
              label="授信金额（万元）")
    axes.set_title("月度走势", family=family)
    axes.legend(prop={"family": family} if family else None)
    _font(axes, family)
    return _png(figure)


def institutions_png(by_institution: Breakdown, top: int = 10) -> bytes:
    rows = by_institution.rows[:top][::-1]
    figure, axes, family = _figure(height=max(2.4, 0.35 * len(rows) + 1))
    axes.barh([r.label for r in rows], [r.disbursed.split.recorded.amount / 10_000 for r in rows], color="#2f6fb0")
    axes.set_title("分机构放款金额（万元）", family=family)
    _font(axes, family)
    return _png(figure)
