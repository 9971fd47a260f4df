import re
from decimal import Decimal

from reports.charts import Bar, bar_chart


def bar_widths(svg):
    return [float(width) for width in re.findall(r'<rect x="0" y="\d+" width="([\d.]+)"', svg)]


def test_a_chart_is_an_image_named_and_described_by_its_figures():
    svg = bar_chart(
        "spend",
        "Committed spend by year",
        [Bar("2026/27", Decimal("1000")), Bar("2027/28", Decimal("250.40"))],
        value_label="Committed",
    )

    assert svg.startswith('<svg class="app-chart"')
    assert 'role="img"' in svg
    assert 'aria-labelledby="spend-title spend-desc"' in svg
    assert '<title id="spend-title">Committed spend by year</title>' in svg
    assert '<desc id="spend-desc">2026/27: £1,000 committed; 2027/28: £250 committed.</desc>' in svg


def test_bars_are_drawn_in_proportion_and_labelled_with_their_values():
    svg = bar_chart("c", "t", [Bar("A", Decimal("300")), Bar("B", Decimal("150"))])

    first, second = bar_widths(svg)
    assert first == 2 * second
    assert '<tspan font-weight="bold">A</tspan>: £300</text>' in svg
    assert '<tspan font-weight="bold">B</tspan>: £150</text>' in svg


def test_the_extra_series_is_hatched_and_named_in_a_legend_not_by_colour_alone():
    svg = bar_chart(
        "c",
        "t",
        [Bar("2026/27", Decimal("100"), Decimal("50"))],
        value_label="Committed",
        extra_label="Options still available",
    )

    assert 'fill="url(#c-hatch)"' in svg
    assert ">Options still available</text>" in svg
    assert "</tspan>: £150 (£100 + £50)</text>" in svg


def test_a_long_label_puts_its_value_on_a_line_of_its_own():
    label = "Neighbourhood disputes and anti-social behaviour mediation"
    svg = bar_chart("c", "t", [Bar(label, Decimal("27307571"), Decimal("2967500"))], "A", "B")

    assert f'<tspan font-weight="bold">{label}</tspan></text>' in svg
    assert ">£30,275,071 (£27,307,571 + £2,967,500)</text>" in svg


def test_labels_are_escaped_and_no_inline_styles_are_used():
    svg = bar_chart("c", "<script>", [Bar("Drugs & alcohol <b>", Decimal("1"))])

    assert "<script>" not in svg
    assert "Drugs &amp; alcohol &lt;b&gt;" in svg
    assert "style=" not in svg


def test_an_empty_or_all_zero_chart_says_so_and_draws_no_bars_wider_than_nothing():
    assert "No figures to show." in bar_chart("c", "t", [])
    assert bar_widths(bar_chart("c", "t", [Bar("A", Decimal(0))])) == [0.0]
