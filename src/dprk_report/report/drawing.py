"""The report's charts, drawn with matplotlib. Each function takes a tidy frame and returns a figure. The
notebooks reach them through ``charts``, which loads this module when a chart is first drawn.

Charts switch to aggregated views when there are too many records to draw
one by one, so they stay legible when the dataset grows a hundredfold.
"""

from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation

from dprk_report import vocab
from dprk_report.analysis import cadence, coverage
from dprk_report.analysis.lineage import SCOPE_WORDS, SUBSET, TOTAL, figure_words, metric_noun
from dprk_report.report import style
from dprk_report.report.arrows import Arrows, segments
from dprk_report.report.evidence import article_href, link_mark
from dprk_report.text.wording import (
    ANNOUNCED,
    FIRST_SEEN_OPEN,
    UNNAMED_OUTLET,
    act_words,
    bracketed,
    date_at_precision,
    day_text,
    figure_text,
    plural,
    public_when,
    speaker_words,
    words,
)

#: Above this many statements the timeline shows weekly counts instead of single events.
TIMELINE_EVENT_LIMIT = 250
#: Above this many estimates in one panel, repeats are not drawn and markers shrink.
ESTIMATE_DETAIL_LIMIT = 120

GROUP_MARKERS = {
    "Letter or message": "s",
    "Call, talks or meeting": "D",
    "Briefing or press event": "^",
    "Speech, address or ceremony": "*",
    "Written statement or post": "P",
    "Other or unspecified": "h",
}


def _new_figure(width: float, height: float, rows: int = 1, sharex: bool = True):
    style.apply_style()
    fig = Figure(figsize=(width, height))
    axes = fig.subplots(rows, 1, sharex=sharex, squeeze=False)[:, 0]
    return fig, axes


def _date_axis(ax) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _sides_in(frame: pd.DataFrame, column: str = "side") -> list[str]:
    """The sides present, in the charts' order; last, an estimate's unknown side (drawn grey)."""
    present = set(frame[column])
    return [side for side in (*style.SIDE_COLOURS, vocab.SIDE_NOT_STATED) if side in present]


def statement_timeline(timeline: pd.DataFrame, title: str, key: pd.DataFrame | None = None) -> Figure:
    """Statements by side over time, marked by channel and by how certain their date is.

    ``key`` (``side``, ``date``, ``label``, as ``cadence.confirmation_milestones`` gives) names the key
    statements on the chart itself, beside their marks.
    """
    if len(timeline) > TIMELINE_EVENT_LIMIT:
        return _statement_density(timeline, title)
    sides = _sides_in(timeline)
    fig, (ax,) = _new_figure(11, 1.2 + 0.55 * len(sides))
    rows = {side: i for i, side in enumerate(reversed(sides))}
    arrows = Arrows()
    for row in timeline.itertuples(index=False):
        _draw_statement(ax, row, rows[row.side], arrows)
    arrows.draw(ax)
    _name_key_statements(ax, key, rows)
    ax.set_yticks(list(rows.values()), list(rows.keys()))
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Date of the statement")
    _date_axis(ax)
    ax.set_title(title)
    _timeline_legend(ax, timeline)
    return fig


def _name_key_statements(ax, key: pd.DataFrame | None, rows: dict) -> None:
    """Each key statement's label just above its side's row, pointing at its day."""
    if key is None:
        return
    for statement in key.itertuples(index=False):
        if statement.side not in rows:
            continue
        ax.annotate(
            statement.label,
            xy=(statement.date, rows[statement.side]),
            xytext=(10, 13),
            textcoords="offset points",
            fontsize=9,
            fontweight="bold",
            color=style.text_colour(statement.side),
            va="bottom",
            arrowprops={"arrowstyle": "-", "color": style.side_colour(statement.side), "lw": 0.8},
        )


def _draw_statement(ax, row, y: int, arrows: Arrows) -> None:
    colour = style.side_colour(row.side)
    marker = GROUP_MARKERS.get(row.channel_group, "o")
    if row.date_marker == cadence.MARKER_SPAN:
        (span,) = ax.plot(
            [row.date_start, row.date_end], [y, y], color=colour, linewidth=5, alpha=0.45, solid_capstyle="butt"
        )
        _link_statement(span, row)
        return
    filled = row.date_marker == cadence.MARKER_DAY
    alpha = 0.45 if row.date_marker == cadence.MARKER_NO_LATER_THAN else 0.95
    (mark,) = ax.plot(
        row.timeline_date,
        y,
        marker=marker,
        markersize=8,
        linestyle="none",
        alpha=alpha,
        markerfacecolor=colour if filled else "white",
        markeredgecolor=colour,
        markeredgewidth=1.4,
    )
    _link_statement(mark, row)
    if row.date_marker == cadence.MARKER_NO_LATER_THAN:  # back in time; forward when first reported only
        # 'on or after' its day
        direction = 1 if row.first_report_open else -1
        arrows.add((row.timeline_date, y), (row.timeline_date + direction * pd.Timedelta(days=12), y), colour, 0.6)


def _timeline_legend(ax, timeline: pd.DataFrame) -> None:
    """The key: a mark's shape says the channel; its fill, a bar or an arrow how its date is known."""
    groups = [g for g in GROUP_MARKERS if g in set(timeline["channel_group"])]
    shapes = [Line2D([], [], marker=GROUP_MARKERS[g], linestyle="none", color="#444444", label=g) for g in groups]
    dates = [
        Line2D([], [], marker="o", linestyle="none", color="#444444", label="Day given in the text"),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markerfacecolor="white",
            markeredgecolor="#444444",
            label="Day worked out (weekday, 'the following day')",
        ),
        Line2D([], [], color="#444444", linewidth=5, alpha=0.45, label="Only the month or year known"),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markerfacecolor="white",
            markeredgecolor="#444444",
            alpha=0.45,
            label="Undated: drawn at first report (arrow: the way the date may lie)",
        ),
    ]
    # One key in two parts, each under a heading (an entry with no mark), so that it never overlaps itself
    # however short the chart is.
    headings = [
        Line2D([], [], linestyle="none", label=label) for label in ("Channel: the shape", "Date: how it is drawn")
    ]
    handles = [headings[0], *shapes, headings[1], *dates]
    key = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, handlelength=1.6)
    for handle, text in zip(handles, key.get_texts()):
        if handle in headings:
            text.set_fontweight("bold")


def _statement_density(timeline: pd.DataFrame, title: str) -> Figure:
    """Weekly counts per side as a heat strip, for datasets too large to draw event by event."""
    sides = _sides_in(timeline)
    weeks = timeline["timeline_date"].dt.to_period("W").dt.start_time
    counts = pd.crosstab(timeline["side"], weeks).reindex(sides)
    fig, (ax,) = _new_figure(11, 1.2 + 0.5 * len(sides))
    x = mdates.date2num(counts.columns.to_pydatetime())
    extent = [x[0], x[-1] + 7, len(sides) - 0.5, -0.5]
    image = ax.imshow(counts.to_numpy(), aspect="auto", cmap="Greys", extent=extent, interpolation="nearest")
    ax.set_yticks(range(len(sides)), sides)
    ax.grid(False)
    ax.xaxis_date()
    _date_axis(ax)
    ax.set_xlabel("Week (by date of statement, or first report when undated)")
    fig.colorbar(image, ax=ax, label="Statements per week", pad=0.01)
    ax.set_title(title)
    return fig


def monthly_counts(counts: pd.DataFrame, title: str, articles: pd.Series | None = None) -> Figure:
    """Stacked bars of statements per month by side; beside them, how many archived articles each month
    holds, so that a busy month can be told from a well-archived one."""
    fig, (ax,) = _new_figure(11, 3.6)
    months = counts.index.to_timestamp()
    bottom = np.zeros(len(counts))
    for side in [s for s in style.SIDE_COLOURS if s in counts.columns]:
        values = counts[side].to_numpy()
        ax.bar(months, values, width=24, bottom=bottom, color=style.side_colour(side), label=side, align="edge")
        bottom += values
    if articles is not None:
        ax.plot(
            months + pd.Timedelta(days=12),
            articles.reindex(counts.index, fill_value=0).to_numpy(),
            marker="D",
            markersize=5,
            linestyle="none",
            markerfacecolor="white",
            markeredgecolor="#222222",
            markeredgewidth=1.2,
            label="Archived articles published that month",
        )
    ax.set_ylabel("Statements per month" if articles is None else "Statements (bars), articles (◇)")
    ax.set_xlabel("Month of the statement (statements dated at least to the month)")
    ax.yaxis.get_major_locator().set_params(integer=True)
    _date_axis(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(title)
    return fig


#: Above this many intervals or lags, charts show distributions instead of single bars.
DISTRIBUTION_LIMIT = 60


def intervals(gaps: pd.DataFrame, title: str) -> Figure:
    """Days since the previous statement, for every statement dated to the day (monthly when many)."""
    fig, (ax,) = _new_figure(11, 3.4)
    if len(gaps) > DISTRIBUTION_LIMIT:
        monthly = gaps.groupby(gaps["date"].dt.to_period("M"))["gap_days"].agg(["median", "max"]).astype(float)
        months = monthly.index.to_timestamp() + pd.Timedelta(days=14)
        ax.plot(months, monthly["max"], color="#999999", marker="^", markersize=4, linewidth=1, label="Longest gap")
        ax.plot(months, monthly["median"], color="#2F4B7C", marker="o", markersize=4, linewidth=1.5, label="Median gap")
        ax.set_ylabel("Days since the previous statement")
        ax.set_xlabel("Month of the statement")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        _date_axis(ax)
        ax.set_title(title)
        return fig
    colours = [style.side_colour(s) for s in gaps["side"]]
    ax.vlines(gaps["date"], 0, gaps["gap_days"].astype(float), colors=colours, linewidth=1.5)
    ax.scatter(gaps["date"], gaps["gap_days"].astype(float), c=colours, s=18, zorder=3)
    ax.set_ylabel("Days since the previous statement")
    ax.set_xlabel("Date of the statement")
    ax.set_ylim(bottom=0)
    _date_axis(ax)
    ax.set_title(title)
    return fig


def state_media_lags(lags: pd.DataFrame, title: str) -> Figure:
    """Days between an act and its state-media report, one bar per act, named with the agency (a histogram when
    many)."""
    if len(lags) > DISTRIBUTION_LIMIT:
        fig, (ax,) = _new_figure(9, 3.4)
        days = lags["lag_days"].astype(int)
        ax.hist(days, bins=np.arange(days.min(), days.max() + 2) - 0.5, color=style.side_colour("North Korea"))
        ax.set_xlabel("Days from the act to its state-media report")
        ax.set_ylabel("Acts")
        ax.set_title(title)
        return fig
    fig, (ax,) = _new_figure(9, 1.4 + 0.45 * len(lags))
    labels = [_act_label(r) for r in lags.itertuples()]
    positions = np.arange(len(lags))[::-1]
    ax.barh(positions, lags["lag_days"].astype(float), color=[style.side_colour(s) for s in lags["side"]], height=0.6)
    # Each bar names the agency that reported the act (KCNA reports Russian acts too; TASS, some).
    for y, days, agency in zip(positions, lags["lag_days"], lags["state_media"]):
        agency = agency if isinstance(agency, str) and agency else "state media"
        ax.text(float(days) + 0.1, y, f"{plural(int(days), 'day')} ({agency})", va="center", fontsize=9)
    ax.set_yticks(positions, labels)
    ax.set_xlabel("Days from the act to its state-media report")
    ax.set_xlim(0, max(float(lags["lag_days"].max()) * 1.25, 1))
    ax.grid(axis="y", visible=False)
    ax.set_title(title)
    return fig


def estimates_over_time(
    estimates: pd.DataFrame, lineage: pd.DataFrame, metrics: list[str], milestones: pd.DataFrame, title: str
) -> Figure:
    """The estimate tracker: one panel per metric, each estimator's figures as a step line over time.

    A figure sits at the day it became public; one whose announcement day no article gives sits at its
    first report and is drawn hollow, with an arrow the way its day may lie (back for "no later than",
    forward for "first reported on or after"). Ranges are shaded bands, "more than"
    and "up to" open-ended arrows, vague figures ("thousands") and shares ("nearly half") are listed in
    their own strip under the panel, never placed on the numeric axis. Each line is labelled with its
    estimator at its latest figure, and the first confirmations by each deploying side are marked.
    """
    fig, axes = _new_figure(11, 0.9 + 3.0 * len(metrics), rows=len(metrics))
    drawn: set[str] = set()  # the kinds of mark the panels hold: the key explains those only
    strip: list[Annotation] = []  # the labels of the figures without a number, under the panels
    panels = {metric: estimates[estimates["metric"] == metric] for metric in metrics}
    dense = {metric for metric, panel in panels.items() if len(panel) > ESTIMATE_DETAIL_LIMIT}
    for ax, metric in zip(axes, metrics):
        panel = panels[metric]
        if metric in dense:
            _draw_monthly_spread(ax, panel)
        else:
            strip += _draw_tracker_panel(
                ax, panel, lineage[lineage["metric"] == metric], _last_day(estimates, lineage), drawn
            )
        for milestone in milestones.itertuples(index=False):
            ax.axvline(milestone.date, color="#999999", linestyle=":", linewidth=1)
        ax.set_title(
            f"{vocab.METRIC_LABELS.get(metric, metric)} ({plural(len(panel), 'figure')})", fontsize=13, loc="left"
        )
        _people_axis(ax, numbered=_numbered(panel).any(), words_below=metric not in dense)
        ax.tick_params(labelsize=11, labelbottom=True)  # dates under every panel of a tall chart
    _keep_under_the_panels(strip)
    axes[-1].set_xlabel(
        "Date the figure became public (hollow: known only from its first report; the arrow points the way "
        "the date may lie)",
        fontsize=11,
    )
    _date_axis(axes[-1])
    # A title of two sentences (what the panels hold, then the finding) takes a line each, so that it is no
    # wider than the panels; the key and the panels move down by the second line.
    lines = title.replace(". ", ".\n", 1)
    extra = TITLE_LINE_INCHES * lines.count("\n")
    height = fig.get_figheight()
    fig.suptitle(lines, x=0.01, y=1 - 0.25 / height, ha="left", va="top", fontsize=14, fontweight="bold")
    milestone = _milestone_key(milestones)
    if dense:
        handles = axes[0].get_legend_handles_labels()[0] + milestone
        axes[0].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=10)
        key_rows = 0
    else:
        key_rows = _tracker_key(fig, _sides_in(estimates, "estimator_side"), drawn, milestone, below=0.5 + extra)
    # The key sits in a band under the title, so the right margin is free for the estimators' direct labels.
    fig.subplots_adjust(
        hspace=0.85, right=0.8, top=1 - (0.85 + extra + KEY_ROW_INCHES * key_rows) / height, bottom=0.75 / height
    )
    return fig


#: Days a range's shaded band spans on either side of the day it was made public (wide enough to see).
RANGE_HALF_WIDTH_DAYS = 9


def _last_day(estimates: pd.DataFrame, lineage: pd.DataFrame) -> pd.Timestamp:
    """The latest day any panel shows: a figure made public or a repeat."""
    return max(estimates["public_date"].max(), lineage["published"].max() if not lineage.empty else pd.NaT)


def _numbered(panel: pd.DataFrame) -> pd.Series:
    """Which figures a panel can place on its axis: a number or a range (not 'thousands', 'nearly half')."""
    return panel["best"].notna() | (panel["low"].notna() & panel["high"].notna())


#: Written across a panel whose figures are all words: its axis would count nothing.
NO_NUMBER = "No figure here gives a number"
#: Added when the panel lists its figures' words under it (a panel drawn figure by figure).
WORDS_BELOW = ": see the words under the panel"


def _people_axis(ax, numbered: bool, words_below: bool) -> None:
    """The count of people up the panel, or, when no figure in it has a number, no scale at all (an axis from 0
    to 1 would read as a count of one) and a line that says so, and where the figures are (``words_below``)."""
    if not numbered:
        ax.set_yticks([])
        message = NO_NUMBER + (WORDS_BELOW if words_below else "")
        ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", fontsize=11, color="#555555")
        return
    ax.set_ylabel("People", fontsize=12)
    ax.yaxis.get_major_locator().set_params(integer=True)  # people come whole: no tick at 0.5
    ax.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}" if value >= 0 else "")


def _draw_tracker_panel(
    ax, panel: pd.DataFrame, lineage: pd.DataFrame, last_day: pd.Timestamp, drawn: set[str]
) -> list[Annotation]:
    """Numeric figures on the axis (step lines per estimator), vague figures and shares in a strip below; the
    kinds of mark drawn go into ``drawn`` (``MARK_KEY``)."""
    numeric = panel[_numbered(panel)]
    vague = panel.drop(numeric.index)
    _draw_repeats(ax, lineage[lineage["estimate_id"].isin(numeric["estimate_id"])], drawn)
    arrows = Arrows()
    labels = [
        _draw_estimator_line(ax, figures.sort_values("public_date", kind="stable"), last_day, arrows, drawn)
        for _, figures in numeric.groupby("estimator", sort=False)
    ]
    arrows.draw(ax)
    # At least one person: a panel whose only figure is 0 still has a height.
    top = max(float(numeric[["best", "high"]].max().max()), 1.0) if not numeric.empty else 1.0
    # Room above the largest marker and below zero, so that a 9-person figure is not hidden by the axis.
    ax.set_ylim(-0.06 * top, top * 1.18)
    _name_lines(ax, [label for label in labels if label is not None])
    ax.axhline(0, color="#BBBBBB", linewidth=0.8)
    return _vague_strip(ax, vague)


def _draw_estimator_line(
    ax, figures: pd.DataFrame, last_day: pd.Timestamp, arrows: Arrows, drawn: set[str]
) -> tuple[float, str, str] | None:
    """One estimator's figures; returns the height, name and colour its label needs (None: no line)."""
    side = figures["estimator_side"].iloc[0]
    colour = style.side_colour(side)
    totals = figures[(figures["scope"] == TOTAL) & figures["best"].notna()]
    if len(totals) > 1:
        drawn.add("line")
        ax.plot(
            totals["public_date"],
            totals["best"].astype(float),
            drawstyle="steps-post",
            color=colour,
            linewidth=1.2,
            alpha=0.7,
        )
    for row in figures.itertuples(index=False):
        drawn.update(_draw_figure(ax, row, colour, arrows))
    if len(totals) < 2:
        return None  # a single figure is keyed by its side's colour
    # A line is named in the right margin at the height of its latest figure; a dotted run carries the line
    # there, so the name sits beside the value it belongs to.
    last = totals.iloc[-1]
    ax.plot(
        [last["public_date"], max(last_day, last["public_date"])],
        [float(last["best"])] * 2,
        color=colour,
        linewidth=0.8,
        linestyle=(0, (1, 3)),
        alpha=0.7,
    )
    return float(last["best"]), _wrapped_name(last["estimator"]), style.text_colour(side)


#: Least distance between two line names in the right margin, as a share of the panel's height.
NAME_GAP = 0.17


def _name_lines(ax, labels: list[tuple[float, str, str]]) -> None:
    """Name each line in the right margin at its latest value, pushed apart where two would overlap."""
    bottom, top = ax.get_ylim()
    heights = []
    for value, name, colour in sorted(labels, reverse=True):
        height = (value - bottom) / (top - bottom)
        if heights and heights[-1] - height < NAME_GAP:
            height = heights[-1] - NAME_GAP
        heights.append(height)
        ax.annotate(
            name,
            (1.0, height),
            xycoords="axes fraction",
            xytext=(6, 0),
            textcoords="offset points",
            fontsize=10,
            color=colour,
            va="center",
            annotation_clip=False,
        )


#: Characters per line of an estimator's name in the right margin.
NAME_WIDTH = 24


def _wrapped_name(estimator) -> str:
    """An estimator's name folded to fit the right margin ('South Korea National / Intelligence Service')."""
    return textwrap.fill(str(estimator) if isinstance(estimator, str) else "Unnamed", NAME_WIDTH)


#: How a figure that is not a total (an increment, '1,000 more', or a part of the force) is drawn, smaller and
#: paler than a total, and shown in the key.
PART_MARKER = {"markersize": 6, "alpha": 0.5}


def _draw_figure(ax, row, colour: str, arrows: Arrows) -> set[str]:
    """One figure's mark (and band, arrows); returns the kinds of mark it is (``MARK_KEY``)."""
    dated = row.public_date_basis == ANNOUNCED
    part = row.scope != TOTAL  # an increment or a partial count
    face = colour if dated else "white"
    ranged = pd.notna(row.low) and pd.notna(row.high)
    if ranged:
        half = pd.Timedelta(days=RANGE_HALF_WIDTH_DAYS)
        ax.fill_between(
            [row.public_date - half, row.public_date + half],
            float(row.low),
            float(row.high),
            color=colour,
            alpha=0.25 if dated else 0.12,
            linewidth=0,
        )
        value = (float(row.low) + float(row.high)) / 2
    else:
        value = float(row.best)
    kind = row.qualifier_kind
    marker = {"lower_bound": "^", "upper_bound": "v"}.get(kind, "o")
    (mark,) = ax.plot(
        row.public_date,
        value,
        marker=marker,
        markersize=PART_MARKER["markersize"] if part else 8,
        linestyle="none",
        clip_on=False,
        markerfacecolor=face,
        markeredgecolor=colour,
        markeredgewidth=1.5,
        alpha=PART_MARKER["alpha"] if part else 1,
    )
    _link_estimate(mark, row)
    if kind in ("lower_bound", "upper_bound"):  # open-ended: an arrow the way the figure may run
        arrows.add(
            (row.public_date, value), (row.public_date, value * (1.12 if kind == "lower_bound" else 0.88)), colour
        )
    if not dated:  # no later than its first report: an arrow pointing back in time (forward when the first
        # report is itself known only to be on or after its day)
        direction = 1 if row.public_date_basis == FIRST_SEEN_OPEN else -1
        arrows.add((row.public_date, value), (row.public_date + direction * pd.Timedelta(days=14), value), colour, 0.7)
    # An increment's or a partial count's mark is its own (small, pale); hollow when its day is unknown, as any.
    kinds = {"not_total"} if part else {"dated" if dated else "undated"}
    if part and not dated:
        kinds.add("undated")
    if kind in ("lower_bound", "upper_bound"):
        kinds.add(kind)
    if ranged:
        kinds.add("range")
    return kinds


def _link_statement(mark, row) -> None:
    """Hovering the mark shows who said what, when (at its precision), and the quote; it links to the article."""
    speaker = row.speaker if isinstance(row.speaker, str) else "Unnamed speaker"
    when = date_at_precision(row.date_start, row.date_precision, row.first_reported, row.first_report_open)
    _link_to_evidence(mark, row, f"statement-{row.statement_id}", f"{speaker} ({row.side}), {when}: {row.summary}")


def _link_estimate(mark, row) -> None:
    """Hovering the mark shows who gave the figure, as written, when, and the quote; it links to the article."""
    estimator = row.estimator if isinstance(row.estimator, str) else "Unnamed estimator"
    when = public_when(row.public_date, row.public_date_basis)
    metric = vocab.METRIC_LABELS.get(row.metric, str(row.metric)).lower()
    if row.scope != TOTAL:  # 'another 1,500', one region's figure: in the words of the estimates table
        metric += f", {SCOPE_WORDS.get(row.scope, words(row.scope))}"
    # 'first reported on or after 16 Oct 2025' says itself when: not 'made public first reported on or after'.
    made = when if row.public_date_basis == FIRST_SEEN_OPEN else f"made public {when}"
    said = f"{estimator}: {figure_text(row)} {bracketed(metric)}, {made}."
    _link_to_evidence(mark, row, f"estimate-{row.estimate_id}", said)


def _link_to_evidence(mark, row, mark_id: str, said: str) -> None:
    """Link ``mark`` to the record's first citation: ``said``, then the quote and its outlet, as its tooltip."""
    if not isinstance(getattr(row, "evidence_source_id", None), str):
        return  # a record no article cites (only in hand-made frames): nothing to link to
    outlet = row.evidence_outlet if isinstance(row.evidence_outlet, str) else UNNAMED_OUTLET
    tooltip = f"{said} “{row.evidence_quote}” ({outlet})"
    link_mark(mark, mark_id, tooltip, article_href(row.evidence_url, row.evidence_source_id))


#: Rows of the strip under a panel that lists figures without a number.
VAGUE_ROWS = 4


def _vague_strip(ax, vague: pd.DataFrame) -> list[Annotation]:
    """Figures without a number, listed under the panel at their dates: 'thousands', 'nearly half of 11,000';
    returns their labels."""
    if vague.empty:
        return []
    labels = []
    # An invisible line at their dates makes the date axis span them, even in a panel with no number at all.
    ax.plot(vague["public_date"], np.zeros(len(vague)), linestyle="none")
    for position, row in enumerate(vague.sort_values("public_date", kind="stable").itertuples(index=False)):
        label = ax.annotate(
            f"\u2022 {figure_text(row)}",  # the share or the vague words, as the tables give them
            (mdates.date2num(row.public_date), 0),
            xycoords=("data", "axes fraction"),
            xytext=(0, -26 - 12 * (position % VAGUE_ROWS)),
            textcoords="offset points",
            fontsize=9,
            ha="left",
            va="top",
            color=style.text_colour(row.estimator_side),
            annotation_clip=False,
        )
        _link_estimate(label, row)
        labels.append(label)
    return labels


def _keep_under_the_panels(labels: list[Annotation]) -> None:
    """A strip label in the right half of the date axis ends at its date rather than starting there, so that a
    long one ('nearly half (of about 11,000 troops deployed, ...)') stays under the panel instead of running
    into the estimators' names beside it. Done once every panel is drawn: they share the date axis."""
    for label in labels:
        start, end = label.axes.get_xlim()
        if label.xy[0] > (start + end) / 2:
            label.set_horizontalalignment("right")


#: Height of one row of the tracker's key, and how many entries a row holds.
KEY_ROW_INCHES = 0.27
#: The height of a line of a chart's title (14 pt, with its leading), in inches.
TITLE_LINE_INCHES = 0.28
KEY_COLUMNS = 4


def _milestone_key(milestones: pd.DataFrame) -> list[Line2D]:
    """The key's entries for the dotted lines, the first confirmations, each with its day: in the key rather
    than beside the lines, where the words would lie over a panel's title or marks."""
    labels = milestones.sort_values("date", kind="stable")["label"]
    return [Line2D([], [], color="#999999", linestyle=":", linewidth=1, label=label) for label in labels]


#: The key's words for the small, pale mark: the scopes' own words without their article ('Increment or
#: partial count').
_NOT_TOTAL = " or ".join(SCOPE_WORDS[scope].split(" ", 1)[1] for scope in ("additional", SUBSET)).capitalize()
#: How to read each kind of mark the tracker draws, in the key's order: (kind, its key entry). A hollow mark
#: is known only from its first report, whichever way its arrow points ('no later than', 'on or after').
MARK_KEY = (
    ("dated", {"marker": "o", "linestyle": "none", "label": "Figure, on the day it was made public"}),
    (
        "undated",
        {"marker": "o", "linestyle": "none", "markerfacecolor": "white", "label": "Known only from its first report"},
    ),
    ("not_total", {"marker": "o", "linestyle": "none", "label": _NOT_TOTAL, **PART_MARKER}),
    ("lower_bound", {"marker": "^", "linestyle": "none", "label": "More than / at least"}),
    ("upper_bound", {"marker": "v", "linestyle": "none", "label": "Up to / as many as"}),
    ("range", {"linewidth": 8, "alpha": 0.25, "label": "Range (low to high)"}),
    ("line", {"linewidth": 1.2, "drawstyle": "steps-post", "label": "One estimator's figures"}),
    ("repeat", {"marker": "|", "linewidth": 0.8, "markersize": 9, "label": "Repeated by a later article"}),
)


def _tracker_key(fig: Figure, sides: list[str], drawn: set[str], extra: list[Line2D], below: float = 0.5) -> int:
    """The key, in a band under the title (its top ``below`` inches under the figure's): the sides' colours, then
    how to read the kinds of mark ``drawn`` (no entry for a mark the chart does not hold), then ``extra``
    entries. Returns its rows."""
    handles = [Line2D([], [], marker="s", linestyle="none", color=style.side_colour(s), label=s) for s in sides]
    handles += [Line2D([], [], color="#444444", **entry) for kind, entry in MARK_KEY if kind in drawn]
    handles += extra
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.01, 1 - below / fig.get_figheight()),
        ncol=KEY_COLUMNS,
        fontsize=10,
        frameon=False,
        columnspacing=1.2,
        handletextpad=0.4,
    )
    return -(-len(handles) // KEY_COLUMNS)


def _draw_monthly_spread(ax, panel: pd.DataFrame) -> None:
    """Median and middle half of the figures made public each month, for panels too full to draw point by point."""
    value = panel["best"].astype("Float64").fillna((panel["low"] + panel["high"]).astype("Float64") / 2)
    # Only the quartiles: ``describe`` computes every statistic, fifteen times as long.
    monthly = value.groupby(panel["public_date"].dt.to_period("M")).quantile([0.25, 0.5, 0.75]).unstack()
    months = monthly.index.to_timestamp() + pd.Timedelta(days=14)
    ax.fill_between(
        months,
        monthly[0.25].astype(float),
        monthly[0.75].astype(float),
        color="#9DB4CF",
        alpha=0.6,
        linewidth=0,
        label="Middle half of the month's figures",
    )
    ax.plot(
        months,
        monthly[0.5].astype(float),
        color="#2F4B7C",
        marker="o",
        markersize=3,
        linewidth=1.2,
        label="Median figure of the month",
    )
    ax.annotate(
        f"{len(panel):,} estimates, summarised by month",
        (0.99, 0.96),
        xycoords="axes fraction",
        ha="right",
        va="top",
        fontsize=9,
        color=style.MUTED_COLOUR,
    )


def _draw_repeats(ax, lineage: pd.DataFrame, drawn: set[str]) -> None:
    """Each repeated figure's run: a thin line at its value (its first row's) from the day it was made public to
    its latest repeat, and a tick at each repeat. One line per side for all its runs and one for all its ticks,
    not two per figure: at 100 times today's data those were a third of the chart's time."""
    ids = lineage["estimate_id"]
    is_first = ~ids.duplicated()
    value = ids.map(pd.Series(lineage["best"].fillna(lineage["high"])[is_first].to_numpy(), index=ids[is_first]))
    repeated = value.notna() & ids.duplicated(keep=False)
    rows = lineage[repeated].assign(value=value[repeated].astype(float), is_first=is_first[repeated])
    for side, runs in rows.groupby("estimator_side", sort=False):
        colour = style.side_colour(side)
        spans = runs.groupby("estimate_id", sort=False).agg(
            public=("public_date", "first"), latest=("published", "max"), value=("value", "first")
        )
        dates, heights = segments(spans["public"], spans["latest"], spans["value"], spans["value"])
        ax.plot(dates, heights, color=colour, linewidth=0.8, alpha=0.6)
        later = runs[~runs["is_first"]]
        ax.plot(later["published"], later["value"], marker="|", markersize=9, linestyle="none", color=colour, alpha=0.8)
        drawn.add("repeat")


#: How many of the oldest points (repeats of one age on one day) get a label on the age chart.
REPEAT_LABELS = 3


def repeat_ages(repeats: pd.DataFrame, title: str) -> Figure:
    """How old each figure was when an article repeated it (``repeats``: ``lineage.repeats``)."""
    fig, (ax,) = _new_figure(11, 3.8)
    dense = len(repeats) > ESTIMATE_DETAIL_LIMIT
    for side in _sides_in(repeats, "estimator_side"):
        rows = repeats[repeats["estimator_side"] == side]
        ax.scatter(
            rows["published"],
            rows["age_days"].astype(float),
            s=6 if dense else 28,
            color=style.side_colour(side),
            label=side,
            alpha=0.4 if dense else 0.85,
            edgecolors="white",
            linewidths=0 if dense else 0.5,
            # Thousands of dots are one picture in the SVG, not an element each (12,000 at 100x: a page a phone
            # draws slowly, and most of the time its SVG took to write); axes and words stay text.
            rasterized=dense,
        )
    for point, figures in _oldest_points(repeats).items():
        ax.annotate(
            "; ".join(figures),
            point,
            xytext=(-6, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=9,
            color="#444444",
        )
    ax.set_ylabel("Age of the figure when repeated (days)")
    ax.set_xlabel("Date of the article repeating the figure")
    ax.set_ylim(bottom=0)
    _date_axis(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="Estimator")
    ax.set_title(title)
    return fig


def _oldest_points(repeats: pd.DataFrame) -> dict[tuple, list[str]]:
    """The ``REPEAT_LABELS`` oldest points of the repeat-age chart, each with the figures repeated there, worded
    as the findings word them, qualifier and scope included ('U.S. Department of Defense: about 11,000 troops
    deployed, a partial count (Kursk region)'); a figure once however many articles of one day repeat it."""
    points: dict[tuple, list[str]] = {}
    aged = repeats.dropna(subset=["age_days"])  # an article of no known date: no point on the chart
    for _, row in aged.sort_values("age_days", ascending=False, kind="stable").iterrows():
        point = (row["published"], float(row["age_days"]))
        if point not in points and len(points) == REPEAT_LABELS:
            break
        said = f"{row['estimator']}: {figure_words(row, metric_noun(row['metric']))}"
        if said not in points.setdefault(point, []):
            points[point].append(said)
    return points


def _act_label(row) -> str:
    """An act as a chart names it: 'Kim Jong Un, letter of 8 Feb 2026'; a statement when the channel is not
    known, the side's officials when no speaker is named."""
    return f"{speaker_words(row.speaker, row.side)}, {act_words(row.channel)} of {day_text(row.date_start)}"


def source_contributions(contributions: pd.DataFrame, title: str) -> Figure:
    """Statements and estimates each article supports (per month when there are many articles:
    ``coverage.by_month``)."""
    table = coverage.by_month(contributions)
    if table is not None:
        labels = [month.strftime("%b %Y") for month in table.index]
        ylabel = "Month of publication"
    else:
        table = contributions.set_index("source_id")[["statements", "estimates"]]
        labels = [
            f"{r.outlet if pd.notna(r.outlet) else UNNAMED_OUTLET}, "
            + date_at_precision(r.published_date_start, r.published_precision)
            for r in contributions.itertuples()
        ]
        ylabel = "Article (outlet, publication date)"
    fig, (ax,) = _new_figure(9, 1.2 + 0.3 * len(table))
    positions = np.arange(len(table))[::-1]
    ax.barh(positions, table["statements"], color="#4C72B0", height=0.7, label="Statements cited")
    ax.barh(
        positions, table["estimates"], left=table["statements"], color="#DD8452", height=0.7, label="Estimates cited"
    )
    ax.set_yticks(positions, labels, fontsize=9)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Records supported (citations)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    ax.set_title(title)
    return fig
