"""The report's charts, drawn on the server as SVG with pygal (docs/reports.md).

Every chart is inlined in the page with no script and no style of its own, so
the strict Content-Security-Policy holds: pygal's configuration ``<script>`` is
removed, event-handler attributes are refused, and pygal's ``<style>`` is
replaced by one static stylesheet (``learning/report-charts.css``, made by
:func:`stylesheet` and checked by the tests). Each SVG has ``role="img"``, a
``<title>`` and a ``<desc>`` that sum it up; its numbers are also in a table
next to it and in the report's CSV.
"""

import re
from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree

from django.utils.safestring import SafeString, mark_safe

import pygal
from pygal.etree import etree as pygal_etree
from pygal.style import Style

CHART_CLASS = "curbside-chart"
STYLESHEET = "learning/report-charts.css"
# Colours with at least 4.5:1 contrast on white (WCAG AA for the value labels).
STYLE = Style(
    background="transparent",
    plot_background="#ffffff",
    foreground="#1f2933",
    foreground_strong="#111827",
    foreground_subtle="#4b5563",
    opacity="1",
    opacity_hover="1",
    transition="0ms",
    colors=("#1d4e89", "#a23b17", "#2f6b45", "#6b3f99", "#7a5c00"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=15,
    major_label_font_size=15,
    value_font_size=15,
    value_label_font_size=15,
    legend_font_size=15,
    title_font_size=18,
    tooltip_font_size=15,
    no_data_font_size=24,
)
CONFIG: dict[str, Any] = {
    "style": STYLE,
    "js": [],
    "disable_xml_declaration": True,
    # Small enough that the labels stay readable on a phone, where the chart
    # is scaled down to the screen's width.
    "width": 520,
    "height": 340,
    "legend_at_bottom": True,
    "legend_at_bottom_columns": 2,
    "truncate_label": 40,
    "truncate_legend": 40,
    "print_values": True,
    "print_zeroes": False,
    # Above the bar, in the text colour: readable whatever the bar's colour.
    "print_values_position": "top",
    "no_data_text": "No data in this range",
    "value_formatter": lambda value: f"{value:g}",
    "margin": 12,
}
# The standard library's ElementTree, whether or not lxml is installed: its
# elements are what _finish edits (pygal names them without a namespace).
pygal_etree.to_etree()


def _finish(chart: Any, key: str, title: str, summary: str) -> SafeString:
    """``chart`` as inline SVG: no script, no inline style, no event handler;
    titled and described for assistive technology."""
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in ("script", "style"):
                parent.remove(child)
    for element in root.iter():
        for name in [n for n in element.attrib if n.lower().startswith("on")]:
            del element.attrib[name]
        element.attrib.pop("style", None)
    chart_id = f"chart-{key}"
    root.set("id", chart_id)
    root.set("class", f"pygal-chart {CHART_CLASS}")
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    # pygal writes its <title> first; the description follows it.
    heading = root.find("title")
    if heading is None:
        heading = ElementTree.SubElement(root, "title")
    # Named here, not drawn: the page's heading names the chart.
    heading.text = title
    heading.set("id", f"{chart_id}-title")
    desc = ElementTree.Element("desc", id=f"{chart_id}-desc")
    desc.text = summary
    root.insert(list(root).index(heading) + 1, desc)
    markup = ElementTree.tostring(root, encoding="unicode")
    # The comments carry pygal's version and today's date: not needed in a page.
    return mark_safe(re.sub(r"<!--.*?-->", "", markup))  # noqa: S308 - built by pygal, escaped by ElementTree


def bar_chart(
    key: str,
    title: str,
    summary: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    horizontal: bool = False,
    stacked: bool = False,
    rotate: bool = False,
) -> SafeString:
    """A bar chart of whole numbers; ``series`` is (name, values) pairs."""
    kind = {
        (False, False): pygal.Bar,
        (True, False): pygal.HorizontalBar,
        (False, True): pygal.StackedBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(horizontal, stacked)]
    # Whole numbers on the value axis: people are counted, not measured.
    stack = [sum(column) for column in zip(*(values for _, values in series), strict=True)]
    top = max(stack if stacked else [v for _, values in series for v in values], default=0)
    step = max(1, -(-top // 5))
    chart = kind(
        **CONFIG,
        y_labels=list(range(0, top + step + 1, step)),
        show_legend=len(series) > 1,
        x_label_rotation=30 if rotate else 0,
        show_minor_x_labels=len(labels) <= 16,
        x_labels_major_count=12,
    )
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    if not any(any(values) for _, values in series):
        # pygal then writes "No data in this range" in place of empty bars.
        chart = kind(**CONFIG, show_legend=False)
    return _finish(chart, key, title, summary)


def stylesheet() -> str:
    """pygal's stylesheet for :data:`STYLE`, for every chart with the class
    :data:`CHART_CLASS` (the static file ``learning/report-charts.css``)."""
    chart = pygal.Bar(**CONFIG)
    chart.uuid = "x"
    for name in ("a", "b", "c", "d", "e"):
        chart.add(name, [1])
    css = chart.render_tree().find(".//style")
    text = "" if css is None or css.text is None else css.text
    text = text.replace("#chart-x ", f".{CHART_CLASS} ").replace("#chart-x", f".{CHART_CLASS}")
    # Scales with the page; the numbers are in the table next to the chart.
    return (
        "/* Made by learning.reports.charts.stylesheet() from pygal's own stylesheet: "
        "do not edit. */\n"
        f".{CHART_CLASS}{{display:block;width:100%;max-width:40rem;height:auto}}\n"
        f"{text.strip()}\n"
    )
