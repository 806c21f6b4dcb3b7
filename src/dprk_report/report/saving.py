"""Saving a chart: SVG and PNG files with deterministic bytes (no dates, fixed SVG ids, no PNG software
stamp), so that regenerating the report with unchanged data leaves ``figures/`` unchanged in git, each with the
source line under it. Loaded with matplotlib's drawing stack, when a chart is first drawn.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image

matplotlib.use("Agg")  # headless: the build and the tests have no display

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.transforms import Bbox, TransformedBbox  # noqa: E402

from dprk_report.report.evidence import add_tooltips, marks, standalone_svg  # noqa: E402
from dprk_report.report.style import MUTED_COLOUR, RC, SOURCE_LINE, figure_files  # noqa: E402

#: zlib level of the charts' PNG files. Encoding the report's 13 charts (measured together, in one process) took
#: 0.47 s as matplotlib writes them (with an alpha channel, Pillow's default level 6), 0.36 s without the alpha
#: channel (:class:`OpaquePngCanvas`; 10% smaller), and 0.26 s without it at level 3 (5% smaller than before).
PNG_COMPRESSION = 3


class OpaquePngCanvas(FigureCanvasAgg):
    """Agg, writing PNG files without the alpha channel when every pixel is opaque (every chart here: they
    have a white background), at :data:`PNG_COMPRESSION`, and with no text chunks (no software stamp, so the
    bytes are stable).

    matplotlib's own PNG keeps an alpha channel that is 255 everywhere: a quarter of the pixels' bytes to
    compress for nothing."""

    #: What ``print_figure`` passes every print method outside matplotlib's own modules, having applied them to the
    #: figure already (it sets the figure's ``dpi`` itself), as Agg's own ``print_png`` relies on: matplotlib
    #: spares its own print methods those they do not declare.
    APPLIED_BY_PRINT_FIGURE = frozenset({"facecolor", "edgecolor", "orientation", "bbox_inches_restore"})

    def print_png(self, filename_or_obj, **applied) -> None:
        # Anything else given to savefig (``metadata``, ``pil_kwargs``, even as None) is refused on purpose: this
        # writes no metadata and takes no Pillow options, and says so rather than dropping them unseen.
        if unknown := set(applied) - self.APPLIED_BY_PRINT_FIGURE:
            raise TypeError(f"OpaquePngCanvas.print_png takes no {', '.join(sorted(unknown))}")
        FigureCanvasAgg.draw(self)
        rgba = np.asarray(self.buffer_rgba())
        size = (rgba.shape[1], rgba.shape[0])
        if rgba[..., 3].min() == 255:
            image = Image.frombytes("RGB", size, rgba, "raw", "RGBX")  # the alpha bytes skipped as read
        else:
            image = Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1)
        image.save(filename_or_obj, format="png", compress_level=PNG_COMPRESSION, dpi=(self.figure.dpi,) * 2)


def chart_canvas(fig: Figure) -> OpaquePngCanvas:
    """``fig``'s canvas, made an :class:`OpaquePngCanvas` first if it is not one: the canvas that measures a chart
    and writes its PNG file."""
    return fig.canvas if isinstance(fig.canvas, OpaquePngCanvas) else OpaquePngCanvas(fig)


def add_source_line(fig: Figure, note: str = "") -> Bbox:
    """Write the source line (and an optional note) under everything else in the chart, and return the
    chart's tight crop (in inches) with the line included.

    The line hangs below the lowest axes' labels, aligned with the figure's left-most drawn element. The
    crop is measured here, with the axes' extents the line's position needs, rather than by matplotlib's
    ``bbox_inches="tight"``: that lays out every tick label again for each file written, the costliest
    step of saving a chart.
    """
    text = SOURCE_LINE + (f". {note}" if note else "")
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()  # a layout engine moves the axes when drawing: measure where they end up
    renderer = chart_canvas(fig).get_renderer()
    axes = [ax for ax in fig.axes if ax.get_visible()]
    drawn = {ax: ax.get_tightbbox(renderer) for ax in axes}
    lowest = min(axes, key=lambda ax: ax.get_position().y0)
    frame = lowest.get_window_extent(renderer)
    points = 72 / fig.dpi
    line = lowest.annotate(
        text,
        xy=(0, 0),
        xycoords="axes fraction",
        annotation_clip=False,
        xytext=(
            (min(box.x0 for box in drawn.values()) - frame.x0) * points,
            (drawn[lowest].y0 - frame.y0) * points - 6,
        ),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=9,
        color=MUTED_COLOUR,
    )
    # What matplotlib's Figure.get_tightbbox unites: the figure's own artists (title, key), each axes with
    # its children (the line now among the lowest's).
    others = [a for a in fig.get_children() if a not in fig.axes and a.get_visible() and a.get_in_layout()]
    boxes = [*drawn.values(), line.get_window_extent(renderer), *(a.get_tightbbox(renderer) for a in others)]
    boxes = [
        b for b in boxes if b is not None and np.isfinite(b.width) and np.isfinite(b.height) and (b.width or b.height)
    ]
    return TransformedBbox(Bbox.union(boxes), fig.dpi_scale_trans.inverted())


def _fix_ticks(fig: Figure) -> None:
    """Keep each axis's major ticks, their labels and the axis's offset (a date axis's year) as the layout just
    placed them: the SVG and PNG draws would locate and format them again, each (at 100 times today's data,
    0.37 s of the estimates page's 3.2 s were ticks located again; cold builds 3% faster without)."""
    from matplotlib.ticker import FixedFormatter, FixedLocator

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            # The labels as a draw formats them, not read from the ticks: panels sharing an axis share its locator
            # and formatter, and a panel whose labels are hidden (all but the lowest) shows none to read.
            locs, formatter = list(axis.get_majorticklocs()), axis.get_major_formatter()
            fixed = FixedFormatter(formatter.format_ticks(locs))
            fixed.set_offset_string(formatter.get_offset())
            axis.set_major_locator(FixedLocator(locs))
            axis.set_major_formatter(fixed)


def save_figure(fig: Figure, name: str, out_dir: Path, note: str = "") -> list[Path]:
    """Save ``fig`` as ``name.svg`` and ``name.png`` in ``out_dir`` with stable bytes.

    Returns the written paths. The figure is closed afterwards so notebooks
    that draw many charts do not accumulate memory.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = figure_files(name, out_dir)
    chart_canvas(fig)  # the PNG below is written by it
    with plt.rc_context(RC):
        crop = add_source_line(fig, note).padded(0.15)
        _fix_ticks(fig)
        fig.savefig(paths[0], format="svg", metadata={"Date": None}, bbox_inches=crop)
        if marks(fig):  # marks linked to their evidence get their tooltips
            svg = add_tooltips(paths[0].read_text(encoding="utf-8"), marks(fig))
            paths[0].write_text(standalone_svg(svg), encoding="utf-8")
        fig.savefig(paths[1], format="png", bbox_inches=crop)
    plt.close(fig)
    return paths
