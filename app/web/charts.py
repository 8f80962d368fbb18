"""Charts of the statistics page, drawn on the server as SVG by pygal (no script, nothing
fetched from the internet); served as images so the page's Content-Security-Policy holds."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import pygal
from pygal.style import Style

# pygal adds a legacy import hook (for its old ``pygal.maps`` plugins, which we do not use)
# that answers every failed import elsewhere with an ImportWarning; take it out again.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

STYLE = Style(
    background="white", plot_background="white", foreground="#1f2933",
    foreground_strong="#1f2933", foreground_subtle="#9aa5b1", opacity=".9",
    opacity_hover="1", colors=("#b42318", "#9aa5b1", "#2f6f9f", "#3f8f5f"),
    font_family="'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif",
    label_font_size=13, major_label_font_size=13, legend_font_size=13, title_font_size=15,
    value_font_size=12,
)


def compare(title: str, labels: Sequence[str], series: dict[str, Sequence[float]]) -> bytes:
    """Horizontal bars: each figure for each period (this one, the previous one)."""
    chart = pygal.HorizontalBar(style=STYLE, js=[], width=820, height=90 + 46 * len(labels),
                                legend_at_bottom=True, print_values=True, title=title,
                                show_y_guides=False, margin=12, margin_left=48,
                                truncate_label=-1)
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, list(values))
    return bytes(chart.render(is_unicode=False))


def trend(title: str, months: Sequence[str], series: dict[str, Sequence[float]]) -> bytes:
    """A line per figure, month by month."""
    chart = pygal.Line(style=STYLE, js=[], width=820, height=360, legend_at_bottom=True,
                       title=title, show_dots=True, margin=12, x_label_rotation=0)
    chart.x_labels = list(months)
    for name, values in series.items():
        chart.add(name, list(values))
    return bytes(chart.render(is_unicode=False))
