"""Figures: deterministic bytes, and legible at a hundred times the data."""

from __future__ import annotations

import io

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from dprk_report import vocab
from dprk_report.analysis import cadence, lineage
from dprk_report.data.dataset import load_dataset
from dprk_report.report import arrows, charts
from dprk_report.report.saving import OpaquePngCanvas, save_figure
from dprk_report.testing import synthetic


def _figure():
    fig, (ax,) = charts._new_figure(6, 3)
    ax.plot([0, 1, 2], [3, 1, 2])
    ax.set_title("A title")
    return fig


def test_save_figure_writes_identical_bytes_twice(tmp_path):
    first = save_figure(_figure(), "probe", tmp_path / "a")
    second = save_figure(_figure(), "probe", tmp_path / "b")
    for one, two in zip(first, second):
        assert one.read_bytes() == two.read_bytes()


def test_saved_svg_carries_no_date_and_png_no_software_stamp(tmp_path):
    svg, png = save_figure(_figure(), "probe", tmp_path)
    assert "<dc:date>" not in svg.read_text()
    assert b"Software" not in png.read_bytes()


def _png_pixels(fig, canvas_class) -> tuple[str, np.ndarray]:
    """The mode and pixels of ``fig``'s PNG as ``canvas_class`` writes it, cropped as charts are."""
    canvas_class(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, bbox_inches=fig.get_tightbbox())
    with Image.open(buffer) as image:
        return image.mode, np.asarray(image)


@pytest.mark.parametrize("transparent", [False, True])
def test_png_has_matplotlibs_pixels_without_an_alpha_channel_only_when_opaque(transparent):
    def figure():
        fig = _figure()
        if transparent:
            fig.patch.set_alpha(0)
        return fig

    mode, pixels = _png_pixels(figure(), OpaquePngCanvas)
    _, matplotlibs = _png_pixels(figure(), FigureCanvasAgg)  # matplotlib's own PNG: always RGBA
    assert (matplotlibs[..., 3] < 255).any() == transparent
    assert mode == ("RGBA" if transparent else "RGB")
    assert np.array_equal(pixels, matplotlibs if transparent else matplotlibs[..., :3])


def test_png_canvas_refuses_what_it_would_not_write():
    fig = _figure()
    OpaquePngCanvas(fig)
    with pytest.raises(TypeError, match="metadata"):
        fig.savefig(io.BytesIO(), format="png", metadata={"Title": "x"})


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """The synthetic dataset at 100 times the curated size."""
    root = tmp_path_factory.mktemp("synthetic")
    counts = synthetic.generate(root / "data", root / "archive", scale=100, seed=1)
    return counts, load_dataset(root / "data", root / "archive")


def test_synthetic_dataset_is_valid_and_a_hundred_times_larger(large):
    counts, dataset = large
    assert (counts.sources, counts.statements, counts.estimates) == (7000, 11800, 7900)
    assert len(dataset.statements) == 11800


def test_synthetic_generator_is_deterministic(tmp_path):
    synthetic.generate(tmp_path / "a" / "data", tmp_path / "a" / "archive", scale=1, seed=3)
    synthetic.generate(tmp_path / "b" / "data", tmp_path / "b" / "archive", scale=1, seed=3)
    for table in ("sources", "statements", "estimates", "citations"):
        assert (tmp_path / "a" / "data" / f"{table}.csv").read_bytes() == (
            tmp_path / "b" / "data" / f"{table}.csv"
        ).read_bytes()


def test_timeline_aggregates_thousands_of_statements(large):
    _, dataset = large
    timeline = cadence.statement_timeline(dataset)
    fig = charts.statement_timeline(timeline, "t")
    # One heat strip instead of thousands of markers.
    assert len(fig.axes[0].images) == 1
    assert len(fig.axes[0].lines) == 0


def test_estimates_chart_summarises_crowded_panels(large):
    _, dataset = large
    table = lineage.estimate_table(dataset)
    history = lineage.estimate_lineage(dataset, table)
    fig = charts.estimates_over_time(
        table, history, ["killed"], cadence.confirmation_milestones(cadence.statement_timeline(dataset)), "t"
    )
    panel = fig.axes[0]
    # A median line (one Line2D) and milestone lines, not one marker per estimate.
    assert len(panel.lines) < 20
    assert len(panel.collections) == 1


def test_thousands_of_repeats_are_one_picture_in_the_svg_with_their_words_as_text(large, tmp_path):
    _, dataset = large
    history = lineage.estimate_lineage(dataset, lineage.estimate_table(dataset))
    repeats = lineage.repeats(history)
    assert len(repeats) > 1000
    svg_path, _ = save_figure(charts.repeat_ages(repeats, "Many repeats"), "repeats", tmp_path)
    svg = svg_path.read_text(encoding="utf-8")
    assert svg.count("<image") == 1 and svg.count("<use") < 100  # the dots; a few for the key's markers
    assert "Many repeats" in svg and "Age of the figure when repeated" in svg  # words stay text


def test_a_few_repeats_are_drawn_one_by_one(large, tmp_path):
    _, dataset = large
    history = lineage.estimate_lineage(dataset, lineage.estimate_table(dataset))
    repeats = lineage.repeats(history).head(charts.ESTIMATE_DETAIL_LIMIT)
    svg_path, _ = save_figure(charts.repeat_ages(repeats, "A few repeats"), "repeats", tmp_path)
    svg = svg_path.read_text(encoding="utf-8")
    assert "<image" not in svg and svg.count("<use") >= len(repeats)


def test_the_oldest_points_are_labelled_with_their_figures_as_the_findings_word_them():
    day, later = pd.Timestamp("2025-10-01"), pd.Timestamp("2025-11-01")
    figures = {
        # estimator, metric, scope, qualifier, best, location, published, age
        "A": ("U.S. Department of Defense", "troops_deployed", "subset", "about", 11000, "Kursk region", day, 332),
        "B": ("NIS", "casualties", "total", "around", 4700, None, day, 120),
        "B again": ("NIS", "casualties", "total", "around", 4700, None, day, 120),  # another article, same day
        "C": ("NIS", "killed", "total", "some", 600, None, day, 120),  # another figure, same point
        "D": ("Zelenskyy", "troops_planned", "additional", None, 1000, None, later, 100),
        "E": ("ISW", "killed", "total", None, 50, None, later, 90),  # the fourth point: no label
        "F": ("ISW", "killed", "total", None, 60, None, later, None),  # no known age: no point, no label
    }
    rows = pd.DataFrame(
        list(figures.values()),
        columns=["estimator", "metric", "scope", "qualifier", "best", "location", "published", "age_days"],
    )
    none = pd.array([None] * len(rows), dtype="Int64")
    rows = rows.assign(
        estimator_side="South Korea",
        best=rows["best"].astype("Int64"),
        low=none,
        high=none,
        part=None,
        age_days=rows["age_days"].astype("Int64"),
    )
    labels = [text.get_text() for text in charts.repeat_ages(rows, "t").axes[0].texts]
    assert labels == [
        "U.S. Department of Defense: about 11,000 troops deployed, a partial count (Kursk region)",
        "NIS: around 4,700 casualties; NIS: some 600 killed",
        "Zelenskyy: 1,000 more troops planned or expected",
    ]
    few = rows.iloc[[0, 6]]  # fewer known points than labels, and one of no known age
    labels = [text.get_text() for text in charts.repeat_ages(few, "t").axes[0].texts]
    assert labels == ["U.S. Department of Defense: about 11,000 troops deployed, a partial count (Kursk region)"]


def test_intervals_and_lags_become_distributions_when_many(large):
    _, dataset = large
    timeline = cadence.statement_timeline(dataset)
    gaps_fig = charts.intervals(cadence.intervals(timeline), "t")
    lags_fig = charts.state_media_lags(cadence.state_media_lags(timeline), "t")
    assert len(gaps_fig.axes[0].lines) == 2
    assert len(lags_fig.axes[0].get_yticklabels()) < 20


def test_state_media_lags_name_acts_in_words():
    lags = pd.DataFrame(
        {
            "speaker": ["Sergei Shoigu", None],
            "side": ["Russia", "North Korea"],
            "channel": ["unspecified", "video_address"],
            "date_start": [pd.Timestamp("2025-06-17"), pd.Timestamp("2026-02-08")],
            "lag_days": [1, 0],
            "state_media": ["TASS", "KCNA"],
        }
    )
    ax = charts.state_media_lags(lags, "t").axes[0]
    ticks = [tick.get_text() for tick in ax.get_yticklabels()]
    # No codebook code, no zero-padded day, the side's officials when no one is named.
    assert ticks == ["Sergei Shoigu, statement of 17 Jun 2025", "North Korea officials, video address of 8 Feb 2026"]
    # Each bar's days name the agency that reported the act, which is not always KCNA.
    assert [text.get_text() for text in ax.texts] == ["1 day (TASS)", "0 days (KCNA)"]
    # An act whose agency is not recorded says only 'state media', never 'None' or 'nan'.
    for missing in (None, float("nan")):
        unnamed = charts.state_media_lags(lags.assign(state_media=["TASS", missing]), "t").axes[0]
        assert [text.get_text() for text in unnamed.texts] == ["1 day (TASS)", "0 days (state media)"]


def test_the_timeline_names_its_key_statements_beside_their_marks(fake):
    timeline = cadence.statement_timeline(load_dataset(fake.data, fake.archive))
    side, day = timeline["side"].iloc[0], timeline["timeline_date"].iloc[0]
    key = pd.DataFrame({"side": [side, "Atlantis"], "date": [day, day], "label": ["It confirms", "Nowhere"]})
    ax = charts.statement_timeline(timeline, "t", key).axes[0]
    labels = {text.get_text(): text for text in ax.texts}
    assert "Nowhere" not in labels  # a side the chart has no row for gets no label
    row = [tick.get_text() for tick in ax.get_yticklabels()].index(side)
    assert labels["It confirms"].xy == (day, row)


def test_a_statement_known_only_from_its_first_report_points_back_from_it(fake):
    timeline = cadence.statement_timeline(load_dataset(fake.data, fake.archive))
    timeline["date_marker"] = cadence.MARKER_DAY
    timeline.loc[0, ["date_marker", "first_report_open"]] = [cadence.MARKER_NO_LATER_THAN, False]
    ax = charts.statement_timeline(timeline, "t").axes[0]
    shafts = [line for line in ax.lines if line.get_label() == arrows.LABEL and line.get_linestyle() != "None"]
    (shaft,) = shafts
    start, end = mdates.date2num(shaft.get_xdata()[:2])
    assert start == mdates.date2num(timeline["timeline_date"].iloc[0]) and end == start - 12


def test_the_timeline_key_says_what_shape_and_fill_each_tell(fake):
    timeline = cadence.statement_timeline(load_dataset(fake.data, fake.archive))
    key = charts.statement_timeline(timeline, "t").axes[0].get_legend()
    texts = {text.get_text(): text for text in key.get_texts()}
    labels = list(texts)
    assert labels.index("Channel: the shape") < labels.index("Date: how it is drawn")
    assert (
        texts["Channel: the shape"].get_fontweight() == "bold"
        and texts["Date: how it is drawn"].get_fontweight() == "bold"
    )
    assert "Day given in the text" in labels[labels.index("Date: how it is drawn") :]


def test_an_estimate_whose_side_is_not_stated_is_drawn_and_named_so(fake):
    # ES003's "officials" belong to no side the article names.
    table = lineage.estimate_table(load_dataset(fake.data, fake.archive)).set_index("estimate_id")
    assert table.loc["ES003", "estimator_side"] == vocab.SIDE_NOT_STATED
    fig = charts.estimates_over_time(
        table.reset_index(),
        pd.DataFrame(columns=["estimate_id", "metric", "published", "public_date", "best", "high", "estimator_side"]),
        ["troops_deployed"],
        pd.DataFrame(columns=["side", "date", "statement_id", "label"]),
        "t",
    )
    assert vocab.SIDE_NOT_STATED in [text.get_text() for text in fig.legends[0].get_texts()]


def _contrast_with_white(colour: str) -> float:
    """WCAG's contrast ratio, computed here from its definition (not by the code under test)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def test_chart_words_in_a_side_s_colour_are_dark_enough_to_read_and_dark_colours_are_kept():
    from dprk_report.report import style

    for side in [*style.SIDE_COLOURS, vocab.SIDE_NOT_STATED]:
        contrast = _contrast_with_white(style.text_colour(side))
        assert contrast >= 4.5, side
        # Darkened no further than it needs: its hue stays recognisable (not black for every side).
        if _contrast_with_white(style.side_colour(side)) < 4.5:
            assert contrast < 4.9, (side, contrast)
    # Ukraine's orange read at about 2:1 on white; South Korea's blue reads already and is kept as it is.
    assert _contrast_with_white(style.side_colour("Ukraine")) < 3
    assert style.text_colour("South Korea") == style.side_colour("South Korea")


@pytest.mark.parametrize("panels", [1, 3])  # three: panels sharing one date axis, labelled under the last only
def test_ticks_kept_from_the_layout_draw_what_locating_them_again_would(tmp_path, monkeypatch, panels):
    """A date axis whose labels carry an offset (the year beside them) is saved as if its ticks were located
    and formatted again for each file (and for the measure of the chart's crop)."""
    from dprk_report.report import saving

    def dated():
        fig, axes = charts._new_figure(6, 3, rows=panels)
        days = pd.date_range("2025-03-01", periods=40, freq="D")
        for number, ax in enumerate(axes):
            ax.plot(days, np.arange(40) * (number + 1))
            ax.label_outer()
        axes[0].xaxis.set_major_formatter(mdates.ConciseDateFormatter(mdates.AutoDateLocator()))
        axes[0].set_title("A title")
        return fig

    kept = save_figure(dated(), "probe", tmp_path / "kept")
    monkeypatch.setattr(saving, "_fix_ticks", lambda fig: None)
    located = save_figure(dated(), "probe", tmp_path / "located")
    assert "2025" in kept[0].read_text()
    for one, two in zip(kept, located):
        assert one.read_bytes() == two.read_bytes()
