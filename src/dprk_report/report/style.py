"""One look for every chart: colours per side, fonts, matplotlib's settings, and the files a chart is saved
as (``saving`` writes them).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np

#: Colour of each side, used by every chart (colour-blind-safe Okabe-Ito hues).
SIDE_COLOURS = {
    "North Korea": "#D55E00",
    "Russia": "#CC79A7",
    "South Korea": "#0072B2",
    "United States": "#009E73",
    "Ukraine": "#E69F00",
    "United Kingdom": "#332288",
    "Multinational": "#56B4E9",
    "Non-governmental": "#7F7F7F",
}
UNKNOWN_COLOUR = "#BBBBBB"
MUTED_COLOUR = "#666666"

SOURCE_LINE = "Source: dprk-report curated dataset of archived news articles"

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#E5E5E5",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "figure.dpi": 100,
    "savefig.dpi": 120,
    "svg.hashsalt": "dprk-report",
    "svg.fonttype": "none",
}


def apply_style() -> None:
    """Set the shared matplotlib style for the current process."""
    matplotlib.rcParams.update(RC)


def side_colour(side: str) -> str:
    return SIDE_COLOURS.get(side, UNKNOWN_COLOUR)


#: The contrast with the white background that chart text in a side's colour keeps (WCAG's 4.5:1 for text).
TEXT_CONTRAST = 4.5


def text_colour(side: str) -> str:
    """A side's colour for words on a chart: the colour itself where it reads on white at ``TEXT_CONTRAST``,
    else the same hue darkened, in small steps, until it does (orange, sky blue and the pale grey of an unknown
    side read at 2.3:1 or less, most others at 3 to 4:1). Marks keep the side's own colour; the key shows that."""
    rgb = np.array([int(side_colour(side)[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    while _contrast_on_white(np.round(rgb * 255) / 255) < TEXT_CONTRAST:  # as written, in whole hex steps
        rgb = rgb * 0.98
    return "#" + "".join(f"{round(channel * 255):02X}" for channel in rgb)


def _contrast_on_white(rgb: np.ndarray) -> float:
    """WCAG's contrast ratio of a colour (channels 0 to 1) with white."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    luminance = float(linear @ np.array([0.2126, 0.7152, 0.0722]))
    return 1.05 / (luminance + 0.05)


def figure_files(name: str, out_dir: Path) -> list[Path]:
    """The SVG and PNG files a chart named ``name`` is saved as in ``out_dir``."""
    return [Path(out_dir) / f"{name}.svg", Path(out_dir) / f"{name}.png"]
