"""Many short straight lines on a date axis drawn as one line each: level segments, and open-headed arrows
("->").

A chart collects its arrows (where a figure's date may lie, which way an open-ended figure runs) and draws
them at the end: one line per colour and opacity for the shafts, one per colour, opacity and direction for the
heads, drawn as markers. An annotation per arrow looked the same, but matplotlib lays each one out again for
every file a chart is saved as: with some 250 of them in one chart at 100 times today's data, the arrows took
a fifth of the time to save it. Arrows carry no tooltip or link, so nothing needs them one by one. Like the
annotations they replace, they leave the axes' range to the marks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path
from matplotlib.transforms import Affine2D

#: The label of an arrow's shaft lines; a head line's is this and its direction ("_arrow left"). Labels that
#: start with "_" are never listed in a key.
LABEL = "_arrow"
#: An open head pointing right, its tip at the arrow's end: as long as wide (a marker's path is scaled so
#: that its largest coordinate is half the marker's size).
_HEAD = Path([(-1.0, 0.5), (0.0, 0.0), (-1.0, -0.5)], [Path.MOVETO, Path.LINETO, Path.LINETO])
_TURNS = {"right": 0, "up": 90, "left": 180, "down": 270}
#: Under the marks (lines and markers are drawn at 2), as an annotation's arrow stopped short of its mark.
ZORDER = 1.9
#: The head's length in points, as matplotlib's "->" arrows at its default size (10 points): 0.4 of it.
HEAD_POINTS = 4.0


def segments(starts: Sequence, ends: Sequence, start_heights: Sequence, end_heights: Sequence):
    """Straight segments, each from its start ``(date, height)`` to its end, as one line's points: a missing
    date between two segments breaks the line there. Returns the dates and the heights."""
    count = len(starts)
    dates = np.column_stack(
        [
            np.asarray(starts, dtype="datetime64[ns]"),
            np.asarray(ends, dtype="datetime64[ns]"),
            np.full(count, np.datetime64("NaT", "ns")),
        ]
    )
    heights = np.column_stack(
        [np.asarray(start_heights, dtype=float), np.asarray(end_heights, dtype=float), np.full(count, np.nan)]
    )
    return dates.ravel(), heights.ravel()


def head(direction: str) -> MarkerStyle:
    """The head of an arrow pointing ``direction`` ("right", "up", "left", "down") as a marker."""
    return MarkerStyle(_HEAD, fillstyle="none", transform=Affine2D().rotate_deg(_TURNS[direction]))


class Arrows:
    """The arrows of one axes, collected as a chart is drawn and drawn together by :meth:`draw`."""

    def __init__(self) -> None:
        # (colour, opacity, direction): the arrows' starts and ends, each a (date, height) pair.
        self._arrows: dict[tuple, list[tuple]] = defaultdict(list)

    def add(self, start: tuple, end: tuple, colour: str, alpha: float = 1.0) -> None:
        """An arrow from ``start`` to ``end``, each ``(date, height)`` (a ``pandas.Timestamp`` and a number),
        which differ in one coordinate only: arrows here are level or upright. An arrow of no length (a bound of
        0 has nowhere to point) is not drawn."""
        (x0, y0), (x1, y1) = start, end
        if (x0, y0) == (x1, y1):
            return
        if y0 == y1:
            direction = "right" if x1 > x0 else "left"
        else:
            direction = "up" if y1 > y0 else "down"
        self._arrows[colour, alpha, direction].append((x0.to_datetime64(), x1.to_datetime64(), y0, y1))

    def draw(self, ax) -> None:
        """Draw the collected arrows on ``ax``, in the order their colours first came. Added as artists, not
        plotted: a plotted line widens the axes' range to take it in, which the other marks set."""
        shafts: dict[tuple, list[tuple]] = defaultdict(list)
        for (colour, alpha, _), arrows in self._arrows.items():
            shafts[colour, alpha] += arrows
        for (colour, alpha), arrows in shafts.items():
            dates, heights = segments(*zip(*arrows))
            ax.add_artist(Line2D(dates, heights, color=colour, alpha=alpha, linewidth=1, label=LABEL, zorder=ZORDER))
        for (colour, alpha, direction), arrows in self._arrows.items():
            ax.add_artist(
                Line2D(
                    np.asarray([x1 for _, x1, _, _ in arrows], dtype="datetime64[ns]"),
                    np.asarray([y1 for _, _, _, y1 in arrows], dtype=float),
                    linestyle="none",
                    marker=head(direction),
                    markersize=2 * HEAD_POINTS,
                    markeredgecolor=colour,
                    markeredgewidth=1,
                    alpha=alpha,
                    label=f"{LABEL} {direction}",
                    zorder=ZORDER,
                )
            )
