"""Bar charts drawn on the server as inline SVG.

They need no JavaScript, print as sharply as text, and are accessible: each
chart is an image (``role="img"``) named by its ``<title>`` and described by a
``<desc>`` that states every figure, every bar carries its label and value as
text, and the second series is told apart by a hatched pattern and a legend as
well as by colour. Pages still show the same figures in an HTML table.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

from commissioning.formats import format_money

# Drawing units; the chart scales to its container, 1:1 in a desktop two-thirds column.
WIDTH = 480
LABEL_HEIGHT = 24
BAR_HEIGHT = 24
ROW_GAP = 12
LEGEND_HEIGHT = 32
FONT_SIZE = 16
# Arial's digits and £ are about 0.56 em wide: enough to keep value labels inside the chart.
CHARACTER_WIDTH = FONT_SIZE * 0.6
# Presentation attributes, not style="": the site's Content Security Policy blocks inline styles.
FONT = f'font-family="arial, sans-serif" font-size="{FONT_SIZE}"'
BASE_COLOUR = "#1d70b8"  # GOV.UK blue
TEXT_COLOUR = "#0b0c0c"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its main value, and an optional extra stacked after it."""

    label: str
    value: Decimal
    extra: Decimal = Decimal(0)

    @property
    def total(self):
        return self.value + self.extra


def _whole_pounds(amount):
    return format_money(amount, pence=False)


def bar_chart(chart_id, title, bars, value_label="", extra_label=""):
    """A horizontal bar chart as safe inline SVG markup.

    ``chart_id`` must be unique on the page (it prefixes the ids inside).
    ``value_label`` and ``extra_label`` name the two series (e.g. "Committed",
    "Options still available"); the extra series is drawn only when
    ``extra_label`` is given.
    """
    bars = list(bars)
    show_extra = bool(extra_label)
    largest = max((bar.total if show_extra else bar.value for bar in bars), default=Decimal(0))
    # Bars may use the full width: labels and values are written above them.
    scale = WIDTH / float(largest) if largest > 0 else 0.0
    top = LEGEND_HEIGHT if show_extra else 0
    rows = [_row_layout(bar, show_extra) for bar in bars]
    height = top + sum(row_height for _, row_height in rows) + (0 if bars else LABEL_HEIGHT)

    description = _describe(bars, value_label, extra_label)
    parts = [
        f'<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    if show_extra:
        parts += _legend(chart_id, value_label, extra_label)
    if not bars:
        parts.append(
            f'<text x="0" y="{top + LABEL_HEIGHT - 7}" {FONT} fill="{TEXT_COLOUR}">'
            "No figures to show.</text>"
        )
    y = top
    for bar, (value_text, row_height) in zip(bars, rows, strict=True):
        value_width = float(bar.value) * scale
        extra_width = float(bar.extra) * scale if show_extra else 0.0
        label = f'<tspan font-weight="bold">{escape(bar.label)}</tspan>'
        if row_height == ONE_LINE_ROW:
            # Label and value share a line when they fit side by side.
            parts.append(
                f'<text x="0" y="{y + LABEL_HEIGHT - 7}" {FONT} fill="{TEXT_COLOUR}">'
                f"{label}: {escape(value_text)}</text>"
            )
        else:
            parts.append(
                f'<text x="0" y="{y + LABEL_HEIGHT - 7}" {FONT} fill="{TEXT_COLOUR}">'
                f"{label}</text>"
                f'<text x="0" y="{y + 2 * LABEL_HEIGHT - 7}" {FONT} fill="{TEXT_COLOUR}">'
                f"{escape(value_text)}</text>"
            )
        bar_y = y + row_height - BAR_HEIGHT - ROW_GAP
        parts.append(
            f'<rect x="0" y="{bar_y}" width="{value_width:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{BASE_COLOUR}"/>'
        )
        if extra_width:
            parts.append(
                f'<rect x="{value_width:.1f}" y="{bar_y + 1}" width="{max(extra_width - 1, 1):.1f}" '
                f'height="{BAR_HEIGHT - 2}" fill="url(#{chart_id}-hatch)" stroke="{BASE_COLOUR}" '
                'stroke-width="2"/>'
            )
        y += row_height
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


ONE_LINE_ROW = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
TWO_LINE_ROW = 2 * LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP


def _row_layout(bar, show_extra):
    """The bar's value text and its row height: one text line if label and value fit."""
    value_text = _value_text(bar, show_extra)
    # Bold label characters are a little wider than the value's digits.
    width = (len(bar.label) * 1.1 + len(value_text) + 2) * CHARACTER_WIDTH
    return value_text, ONE_LINE_ROW if width <= WIDTH else TWO_LINE_ROW


def _value_text(bar, show_extra):
    if not show_extra:
        return _whole_pounds(bar.value)
    if not bar.extra:
        return _whole_pounds(bar.total)
    return f"{_whole_pounds(bar.total)} ({_whole_pounds(bar.value)} + {_whole_pounds(bar.extra)})"


def _legend(chart_id, value_label, extra_label):
    return [
        "<defs>"
        f'<pattern id="{chart_id}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect width="8" height="8" fill="#ffffff"/>'
        f'<rect width="3" height="8" fill="{BASE_COLOUR}"/>'
        "</pattern></defs>",
        f'<rect x="0" y="4" width="20" height="20" fill="{BASE_COLOUR}"/>',
        f'<text x="28" y="19" {FONT} fill="{TEXT_COLOUR}">{escape(value_label)}</text>',
        f'<rect x="200" y="4" width="20" height="20" fill="url(#{chart_id}-hatch)" '
        f'stroke="{BASE_COLOUR}" stroke-width="2"/>',
        f'<text x="228" y="19" {FONT} fill="{TEXT_COLOUR}">{escape(extra_label)}</text>',
    ]


def _describe(bars, value_label, extra_label):
    if not bars:
        return "No figures to show."
    lines = []
    for bar in bars:
        line = f"{bar.label}: {_whole_pounds(bar.value)}"
        if value_label:
            line += f" {value_label.lower()}"
        if extra_label:
            line += f", {_whole_pounds(bar.extra)} {extra_label.lower()}"
        lines.append(line)
    return "; ".join(lines) + "."
