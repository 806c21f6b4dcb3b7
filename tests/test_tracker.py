"""The estimate tracker draws each kind of figure where a reader can read it, from hand-made frames."""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd

from dprk_report.report import arrows, charts

T = pd.Timestamp
NO_MILESTONES = pd.DataFrame(columns=["side", "date", "statement_id", "label"])


def _figure(
    eid,
    best=None,
    low=None,
    high=None,
    qualifier=None,
    kind="exact",
    basis="announced",
    day="2025-01-10",
    estimator="NIS",
    side="South Korea",
    scope="total",
    share=None,
):
    return {
        "estimate_id": eid,
        "metric": "killed",
        "best": best,
        "low": low,
        "high": high,
        "qualifier": qualifier,
        "qualifier_kind": kind,
        "public_date": T(day),
        "public_date_basis": basis,
        "estimator": estimator,
        "estimator_side": side,
        "scope": scope,
        "share_as_written": share,
    }


LINEAGE_COLUMNS = ["estimate_id", "metric", "published", "public_date", "best", "high", "estimator_side"]


def _draw(rows, lineage=None):
    estimates = pd.DataFrame(rows)
    for column in ("best", "low", "high"):
        estimates[column] = estimates[column].astype("Int64")
    lineage = pd.DataFrame(lineage or [], columns=LINEAGE_COLUMNS).astype({"best": "Int64", "high": "Int64"})
    fig = charts.estimates_over_time(estimates, lineage, ["killed"], NO_MILESTONES, "t")
    return fig, fig.axes[0]


def _arrows(ax) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Each arrow drawn on ``ax`` as its start and end (dates as matplotlib's day numbers), read from the lines
    that hold the arrows' shafts (start, end, a gap, for each); each has a head at its end, pointing its way."""
    shafts, heads = [], {}
    for line in ax.lines:
        label = line.get_label()
        if not label.startswith(arrows.LABEL):
            continue
        points = list(zip(mdates.date2num(line.get_xdata()), line.get_ydata()))
        if label == arrows.LABEL:
            shafts += [(points[i], points[i + 1]) for i in range(0, len(points), 3)]
        else:
            heads |= dict.fromkeys(points, label.removeprefix(arrows.LABEL).strip())
    for (x0, y0), (x1, y1) in shafts:
        way = ("right" if x1 > x0 else "left") if y0 == y1 else ("up" if y1 > y0 else "down")
        assert heads.pop((x1, y1)) == way, "a head that points another way than its arrow"
    assert not heads, "a head without its arrow"
    return shafts


def _texts(ax) -> list[str]:
    return [text.get_text() for text in ax.texts]


def test_vague_figures_and_shares_sit_in_a_strip_below_the_axis_not_on_it():
    _, ax = _draw(
        [
            _figure("A", best=300),
            _figure("B", qualifier="thousands", kind="vague", day="2025-02-01"),
            _figure("C", qualifier="nearly", kind="approximate", share="nearly half", day="2025-03-01"),
        ]
    )
    strip = {t.get_text(): t for t in ax.texts if t.get_text().startswith("\u2022")}
    assert set(strip) == {"\u2022 thousands", "\u2022 nearly half"}
    for text in strip.values():
        # Placed in axes-fraction height 0 and pushed below it, in points: under the panel, off the numbers.
        assert text.xyann[1] < 0 and text.xycoords == ("data", "axes fraction")


def test_a_panel_whose_figures_are_all_words_has_no_scale_and_says_where_they_are():
    _, ax = _draw([_figure("A", qualifier="many", kind="vague")])
    # A scale from 0 to 1 would read as a count of one person.
    assert [label.get_text() for label in ax.get_yticklabels()] == [] and ax.get_ylabel() == ""
    assert "\u2022 many" in _texts(ax)
    (message,) = [text for text in _texts(ax) if not text.startswith("\u2022")]
    assert "no figure here gives a number" in message.lower() and "under the panel" in message


def test_a_panel_too_full_to_draw_figure_by_figure_with_words_only_has_no_scale_either():
    """A panel of monthly spreads lists no words under it: the message does not send the reader there."""
    rows = [_figure(f"E{i}", qualifier="many", kind="vague") for i in range(charts.ESTIMATE_DETAIL_LIMIT + 1)]
    _, ax = _draw(rows)
    assert [label.get_text() for label in ax.get_yticklabels()] == [] and ax.get_ylabel() == ""
    assert "No figure here gives a number" in _texts(ax) and not any("under the panel" in text for text in _texts(ax))


def test_a_panel_with_one_number_keeps_its_scale_of_people():
    _, ax = _draw([_figure("A", qualifier="many", kind="vague"), _figure("B", best=2, day="2025-02-01")])
    assert ax.get_ylabel() == "People" and len(ax.get_yticks()) > 1
    assert all(text.startswith("\u2022") for text in _texts(ax)), _texts(ax)


def test_a_figure_with_no_known_announcement_day_is_hollow_and_points_back_in_time():
    _, ax = _draw([_figure("A", best=300, basis="first_seen")])
    (marker,) = [line for line in ax.lines if line.get_marker() == "o"]
    assert marker.get_markerfacecolor() == "white"
    ((start, end),) = _arrows(ax)
    assert start == (mdates.date2num(T("2025-01-10")), 300) and end[0] < start[0] and end[1] == 300


def test_a_figure_first_reported_only_on_or_after_a_day_points_forward():
    _, ax = _draw([_figure("A", best=300, basis="first_seen_open")])
    ((start, end),) = _arrows(ax)
    assert end[0] > start[0] and end[1] == start[1] == 300


def test_a_repeated_figure_runs_from_its_public_day_to_its_latest_repeat_with_a_tick_at_each_repeat():
    def appearance(eid, published, best, day="2025-01-10"):
        return [eid, "killed", T(published), T(day), best, None, "South Korea"]

    _, ax = _draw(
        [_figure("A", best=300), _figure("B", best=500, day="2025-02-01"), _figure("C", best=700, day="2025-03-01")],
        lineage=[
            appearance("A", "2025-01-10", 300),
            appearance("A", "2025-04-01", 300),
            appearance("A", "2025-03-01", 300),
            appearance("B", "2025-02-01", 500, day="2025-02-01"),  # not repeated: no run
            appearance("C", "2025-03-01", None, day="2025-03-01"),  # no value to draw the run at
            appearance("C", "2025-05-01", None, day="2025-03-01"),
        ],
    )
    # Only A's run: B is not repeated, C has no value to draw it at.
    (run,) = [line for line in ax.lines if line.get_linewidth() == 0.8 and line.get_alpha() == 0.6]
    days = [mdates.date2num(T(day)) for day in ("2025-01-10", "2025-04-01")]
    x, y = mdates.date2num(run.get_xdata()), run.get_ydata()
    assert len(x) == 3 and list(x[:2]) == days and list(y[:2]) == [300, 300]  # then the gap before a next run
    assert pd.isna(x[2]) and pd.isna(y[2])
    (ticks,) = [line for line in ax.lines if line.get_marker() == "|"]
    repeats = [mdates.date2num(T(day)) for day in ("2025-04-01", "2025-03-01")]
    assert list(mdates.date2num(ticks.get_xdata())) == repeats and list(ticks.get_ydata()) == [300, 300]


def test_a_range_is_a_band_wide_enough_to_see():
    _, ax = _draw([_figure("A", low=10000, high=12000, kind="range")])
    (band,) = ax.collections
    extent = band.get_paths()[0].get_extents()
    assert extent.y0 == 10000 and extent.y1 == 12000
    assert extent.x1 - extent.x0 >= 2 * charts.RANGE_HALF_WIDTH_DAYS  # days on the date axis


def test_a_small_figure_is_above_the_axis_and_the_largest_fits_inside():
    _, ax = _draw([_figure("A", best=9, day="2025-01-01"), _figure("B", best=6000, day="2025-06-01")])
    bottom, top = ax.get_ylim()
    assert bottom < 0 < 9 and top > 6000 * 1.1
    assert all(not line.get_clip_on() for line in ax.lines if line.get_marker() == "o")


def test_the_panel_title_counts_every_figure_it_shows():
    _, ax = _draw([_figure("A", best=300), _figure("B", qualifier="thousands", kind="vague", day="2025-02-01")])
    assert ax.get_title(loc="left") == "Killed (2 figures)"


def test_one_estimator_s_figures_form_a_labelled_step_line():
    _, ax = _draw([_figure("A", best=100, day="2025-01-01"), _figure("B", best=600, day="2025-04-30")])
    steps = [line for line in ax.lines if line.get_drawstyle() == "steps-post"]
    assert len(steps) == 1 and list(steps[0].get_ydata()) == [100.0, 600.0]
    assert "NIS" in _texts(ax)


def test_an_open_ended_figure_of_nothing_has_no_arrow():
    _, ax = _draw([_figure("A", best=0, qualifier="more than", kind="lower_bound")])
    assert _arrows(ax) == []


def test_arrows_leave_the_date_axis_to_the_marks():
    _, ax = _draw(
        [_figure("A", best=300, basis="first_seen", day="2025-03-01"), _figure("B", best=400, day="2025-03-05")]
    )
    ((_, end),) = _arrows(ax)
    assert end[0] < ax.get_xlim()[0]  # two weeks back from the first mark, beyond the axis the marks set


def test_more_than_and_up_to_are_open_ended():
    _, ax = _draw(
        [
            _figure("A", best=300, qualifier="more than", kind="lower_bound"),
            _figure("B", best=500, qualifier="up to", kind="upper_bound", day="2025-02-01"),
        ]
    )
    assert {line.get_marker() for line in ax.lines if line.get_marker() in ("^", "v")} == {"^", "v"}
    assert sorted((start[1], end[1] > start[1]) for start, end in _arrows(ax)) == [(300, True), (500, False)]


def test_a_panel_too_full_to_draw_point_by_point_shows_each_month_s_median_and_middle_half():
    rows = []
    for month, values in (("2025-01", [100, 200, 300, 400, 500]), ("2025-03", [10, 20, 30, 40])):
        for day, value in enumerate(values, start=1):
            rows.append(_figure(f"{month}-{day}", best=value, day=f"{month}-{day:02d}"))
    rows += [_figure(f"R{n}", low=50, high=70, day="2025-03-20") for n in range(charts.ESTIMATE_DETAIL_LIMIT)]
    fig, ax = _draw(rows)
    median = next(line for line in ax.get_lines() if line.get_label() == "Median figure of the month")
    # January: 100..500; March: 10..40 and 120 ranges counted at their middle, 60.
    assert list(median.get_ydata()) == [300.0, 60.0]
    band = next(c for c in ax.collections if c.get_label() == "Middle half of the month's figures")
    lows_and_highs = sorted({round(float(y), 3) for y in band.get_paths()[0].vertices[:, 1]})
    assert lows_and_highs == [60.0, 200.0, 400.0]  # March's quartiles are both 60: the ranges outnumber the rest


def test_the_first_confirmations_are_named_in_the_key_not_over_a_panel():
    estimates = pd.DataFrame([_figure("E1", best=100)])
    estimates["best"] = estimates["best"].astype("Int64")
    lineage = pd.DataFrame(
        columns=["estimate_id", "metric", "published", "public_date", "best", "high", "estimator_side"]
    )
    milestones = pd.DataFrame(
        {
            "side": ["North Korea", "Russia"],
            "date": [T("2025-04-28"), T("2025-04-26")],
            "statement_id": ["ST2", "ST1"],
            "label": ["North Korea confirms (28 Apr 2025)", "Russia confirms (26 Apr 2025)"],
        }
    )
    fig = charts.estimates_over_time(estimates, lineage, ["killed"], milestones, "t")
    (key,) = fig.legends
    named = [text.get_text() for text in key.get_texts()]
    assert named[-2:] == ["Russia confirms (26 Apr 2025)", "North Korea confirms (28 Apr 2025)"]  # by date
    assert not any("confirms" in text for text in _texts(fig.axes[0]))
    assert len([line for line in fig.axes[0].lines if line.get_linestyle() == ":"]) == 2


def _key(fig) -> list[str]:
    (key,) = fig.legends
    return [text.get_text() for text in key.get_texts()]


def test_the_key_explains_only_the_kinds_of_mark_the_chart_holds():
    fig, _ = _draw([_figure("A", best=300)])
    assert _key(fig) == ["South Korea", "Figure, on the day it was made public"]


def test_the_key_explains_every_kind_of_mark_drawn_in_the_keys_order():
    fig, _ = _draw(
        [
            _figure("A", best=300),
            _figure("B", best=500, day="2025-02-01"),  # with A, a line of one estimator's figures
            _figure("C", best=40, scope="additional", basis="first_seen", day="2025-03-01"),  # an increment, undated
            _figure("D", best=700, qualifier="more than", kind="lower_bound", day="2025-04-01"),
            _figure("E", low=100, high=200, estimator="GUR", side="Ukraine", day="2025-05-01"),
            _figure("F", best=900, qualifier="up to", kind="upper_bound", estimator="GUR", side="Ukraine"),
        ],
        lineage=[
            ["A", "killed", T("2025-01-10"), T("2025-01-10"), 300, None, "South Korea"],
            ["A", "killed", T("2025-02-10"), T("2025-01-10"), 300, None, "South Korea"],
        ],
    )
    assert _key(fig) == [
        "South Korea",
        "Ukraine",
        "Figure, on the day it was made public",
        "Known only from its first report",
        "Increment or partial count",
        "More than / at least",
        "Up to / as many as",
        "Range (low to high)",
        "One estimator's figures",
        "Repeated by a later article",
    ]


def test_a_long_strip_label_in_the_right_half_ends_at_its_date_and_one_in_the_left_half_starts_there():
    _, ax = _draw(
        [
            _figure("A", best=300, day="2025-01-01"),
            _figure("B", qualifier="thousands", kind="vague", day="2025-01-15"),
            _figure("C", qualifier="nearly", kind="approximate", share="nearly half of a long whole", day="2025-12-01"),
        ]
    )
    aligned = {t.get_text(): t.get_horizontalalignment() for t in ax.texts if t.get_text().startswith("\u2022")}
    assert aligned == {"\u2022 thousands": "left", "\u2022 nearly half of a long whole": "right"}
