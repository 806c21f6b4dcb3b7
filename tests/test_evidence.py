"""Chart marks carry their evidence into the SVG: a tooltip and a link, safe to embed in a page."""

from __future__ import annotations

import re

import pandas as pd
from matplotlib.figure import Figure

from dprk_report.report import charts
from dprk_report.report.evidence import add_tooltips, article_href, inline_svg, link_mark, marks
from dprk_report.report.saving import save_figure

NO_MILESTONES = pd.DataFrame(columns=["side", "date", "statement_id", "label"])
LINEAGE = pd.DataFrame(columns=["estimate_id", "metric", "published", "public_date", "best", "high", "estimator_side"])


def _estimate(url="https://news.example/a?x=1&y=2", quote="about 300 <b>killed</b>", basis="announced"):
    frame = pd.DataFrame(
        [
            {
                "estimate_id": "ES900",
                "metric": "killed",
                "best": 300,
                "low": None,
                "high": None,
                "qualifier": "about",
                "qualifier_kind": "approximate",
                "public_date": pd.Timestamp("2025-01-13"),
                "public_date_basis": basis,
                "estimator": "Spy agency",
                "estimator_side": "South Korea",
                "scope": "total",
                "share_as_written": None,
                "evidence_source_id": "S900",
                "evidence_outlet": "The Daily Example",
                "evidence_quote": quote,
                "evidence_url": url,
            }
        ]
    )
    for column in ("best", "low", "high"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _saved_svg(tmp_path, frame) -> str:
    fig = charts.estimates_over_time(frame, LINEAGE, ["killed"], NO_MILESTONES, "Killed")
    svg_path, _ = save_figure(fig, "tracker", tmp_path)
    return svg_path.read_text(encoding="utf-8")


def test_a_mark_s_tooltip_gives_who_the_figure_the_day_and_the_quote_escaped(tmp_path):
    svg = _saved_svg(tmp_path, _estimate())
    (title,) = re.findall(r'<g id="estimate-ES900"><title>(.*?)</title>', svg)
    assert title == (
        "Spy agency: about 300 (killed), made public 13 Jan 2025. "
        "“about 300 &lt;b&gt;killed&lt;/b&gt;” (The Daily Example)"
    )


def test_an_undated_figure_s_tooltip_says_no_later_than(tmp_path):
    svg = _saved_svg(tmp_path, _estimate(basis="first_seen"))
    assert "made public no later than 13 Jan 2025." in svg


def test_a_figure_first_reported_only_on_or_after_a_day_says_so_without_made_public(tmp_path):
    svg = _saved_svg(tmp_path, _estimate(basis="first_seen_open"))
    assert "(killed), first reported on or after 13 Jan 2025." in svg and "made public first" not in svg


def test_a_mark_links_to_its_article_or_to_the_article_s_row_in_the_source_list(tmp_path):
    assert '<a xlink:href="https://news.example/a?x=1&amp;y=2"' in _saved_svg(tmp_path, _estimate())
    # Saved in figures/<variant>/, the figure reaches the index from there; inside a page of
    # report/<variant>/, from the page.
    standalone = _saved_svg(tmp_path, _estimate(url=None))
    assert '<a xlink:href="../../report/index.html#source-S900"' in standalone
    assert '<a xlink:href="../index.html#source-S900"' in inline_svg(standalone, prefix="f", label="Chart: x")


def test_only_web_addresses_are_followed():
    assert article_href("javascript:alert(1)", "S001") == "../index.html#source-S001"
    assert article_href("file:///etc/passwd", "S001") == "../index.html#source-S001"
    assert article_href("http://news.example/x", "S001") == "http://news.example/x"


def test_tooltips_go_into_the_marked_group_only():
    fig = Figure()
    (line,) = fig.subplots().plot([1], [1])
    link_mark(line, "m-1", "a <tip>", "https://news.example/")
    assert marks(fig) == {"m-1": "a <tip>"}
    svg = '<g id="m-1"><path/></g><g id="m-10"><path/></g>'
    assert (
        add_tooltips(svg, marks(fig)) == '<g id="m-1"><title>a &lt;tip&gt;</title><path/></g><g id="m-10"><path/></g>'
    )


def test_an_inline_svg_has_no_prologue_scales_with_the_page_and_keeps_its_ids_apart():
    saved = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg>\n'
        '<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="100pt" height="50pt" viewBox="0 0 100 50">'
        '<defs><path id="m1"/><clipPath id="p2"/></defs><g clip-path="url(#p2)"><use xlink:href="#m1"/></g></svg>'
    )
    inline = inline_svg(saved, prefix="fig-a", label='Chart: "quoted" & more')
    assert inline.startswith("<svg ") and "<?xml" not in inline and "DOCTYPE" not in inline
    assert 'width="100pt"' not in inline and 'viewBox="0 0 100 50"' in inline
    assert 'role="img" aria-label="Chart: &quot;quoted&quot; &amp; more"' in inline
    assert 'id="fig-a-m1"' in inline and 'xlink:href="#fig-a-m1"' in inline and "url(#fig-a-p2)" in inline
    # 100 points are 133 CSS pixels: the width a narrow screen scrolls it at, rather than shrink its text.
    assert 'style="--natural-width: 133px"' in inline


def test_a_vague_figure_in_the_strip_is_linked_too(tmp_path):
    frame = _estimate()
    frame.loc[0, ["best", "qualifier", "qualifier_kind"]] = [pd.NA, "thousands", "vague"]
    svg = _saved_svg(tmp_path, frame)
    (title,) = re.findall(r'<g id="estimate-ES900"><title>(.*?)</title>', svg)
    assert title.startswith("Spy agency: thousands (killed), made public 13 Jan 2025.")
    assert '<a xlink:href="https://news.example/a?x=1&amp;y=2"' in svg
