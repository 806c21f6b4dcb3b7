"""Short open-headed arrows ("->") on a chart, drawn many at a time.

A chart collects its arrows (where a figure's date may lie, which way an open-ended figure runs) and draws
them at the end as a few lines: one line per colour and opacity for the shafts, one per colour, opacity and
direction for the heads, drawn as markers. An annotation per arrow looked the same, but matplotlib lays each
one out again for every file a chart is saved as: with some 250 of them in one chart at 100 times today's
data, the arrows took a fifth of the time to save it. Arrows carry no tooltip or link, so nothing needs them
one by one.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path
from matplotlib.transforms import Affine2D

#: The label of an arrow's shaft and head lines ("_": never listed in a key).
LABEL = "_arrow"
#: An open head pointing right, its tip at the arrow's end: as long as wide (a marker's path is scaled so
#: that its largest coordinate is half the marker's size).
_HEAD = Path([(-1.0, 0.5), (0.0, 0.0), (-1.0, -0.5)], [Path.MOVETO, Path.LINETO, Path.LINETO])
_TURNS = {"right": 0, "up": 90, "left": 180, "down": 270}
#: Under the marks (lines and markers are drawn at 2): a hollow mark hides where its arrow starts.
ZORDER = 1.9
#: What separates two shafts in one line: a missing date, which a date axis draws as a break.
_GAP = np.datetime64("NaT", "ns")
#: The head's length in points, as matplotlib's "->" arrows at its default size (10 points): 0.4 of it.
HEAD_POINTS = 4.0


def head(direction: str) -> MarkerStyle:
    """The head of an arrow pointing ``direction`` ("right", "up", "left", "down") as a marker."""
    return MarkerStyle(_HEAD, fillstyle="none", transform=Affine2D().rotate_deg(_TURNS[direction]))


class Arrows:
    """The arrows of one axes, collected as a chart is drawn and drawn together by :meth:`draw`."""

    def __init__(self) -> None:
        self._shafts: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))
        self._heads: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))

    def add(self, start: tuple, end: tuple, colour: str, alpha: float = 1.0) -> None:
        """An arrow from ``start`` to ``end``, each ``(date, y)`` (a ``pandas.Timestamp`` and a number), which
        differ in one coordinate only: arrows here are level or upright."""
        (x0, y0), (x1, y1) = start, end
        if y0 == y1:
            direction = "right" if x1 > x0 else "left"
        else:
            direction = "up" if y1 > y0 else "down"
        xs, ys = self._shafts[colour, alpha]
        xs += [x0.to_datetime64(), x1.to_datetime64(), _GAP]
        ys += [float(y0), float(y1), np.nan]
        tips_x, tips_y = self._heads[colour, alpha, direction]
        tips_x.append(x1.to_datetime64())
        tips_y.append(float(y1))

    def draw(self, ax) -> None:
        """Draw the collected arrows on ``ax``, in the order their colours first came."""
        for (colour, alpha), (xs, ys) in self._shafts.items():
            ax.plot(
                np.array(xs, dtype="datetime64[ns]"),
                ys,
                color=colour,
                alpha=alpha,
                linewidth=1,
                label=LABEL,
                zorder=ZORDER,
            )
        for (colour, alpha, direction), (xs, ys) in self._heads.items():
            ax.plot(
                np.array(xs, dtype="datetime64[ns]"),
                ys,
                linestyle="none",
                marker=head(direction),
                markersize=2 * HEAD_POINTS,
                markeredgecolor=colour,
                markeredgewidth=1,
                alpha=alpha,
                label=LABEL,
                zorder=ZORDER,
            )
