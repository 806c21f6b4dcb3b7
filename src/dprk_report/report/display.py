"""Display helpers for the notebooks: figures, tables and findings.

Every output carries a ``text/plain`` form that states its content (a finding,
a table, a figure's title), so nbval compares what the report says, and a
``text/html`` form for readers in which all text from the dataset is escaped.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from IPython.display import display

from dprk_report.report import kept_charts
from dprk_report.report.evidence import inline_svg
from dprk_report.report.style import apply_style, figure_files

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _html_text(text: str) -> str:
    """Escape ``text`` and turn ``**bold**`` into <strong>."""
    return _BOLD.sub(r"<strong>\1</strong>", html.escape(text))


def say(*sentences: str) -> None:
    """Show sentences as one paragraph."""
    text = " ".join(sentences)
    display({"text/plain": text.replace("**", ""), "text/html": f"<p>{_html_text(text)}</p>"}, raw=True)


def bullets(items: list[str]) -> None:
    """Show a bulleted list (findings, flags); an empty list shows nothing."""
    if not items:
        return
    plain = "\n".join(f"- {item.replace('**', '')}" for item in items)
    rows = "".join(f"<li>{_html_text(item)}</li>" for item in items)
    display({"text/plain": plain, "text/html": f"<ul>{rows}</ul>"}, raw=True)


#: Tables longer than this show their first rows and say how many were left out.
MAX_TABLE_ROWS = 150
#: A column with a cell longer than this many characters (a summary, a quote) is never narrower than
#: ``LONG_TEXT_WIDTH``: on a narrow screen the table then scrolls sideways in its frame instead of squeezing the
#: text to a word or two a line (on a phone each row is a card instead: ``_with_labels``).
LONG_TEXT = 80
LONG_TEXT_WIDTH = "18em"


def show_table(
    frame: pd.DataFrame,
    caption: str = "",
    empty_message: str = "",
    wording: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> None:
    """Show a table without its index (cells escaped), or, when it has no rows, ``empty_message`` (by default,
    its caption and 'none': a table of headers alone says nothing, and on a phone, which hides them, shows
    nothing).

    ``wording``: a function that turns ``frame``'s rows into the reader's table, row for row, keeping their
    index (such as ``lineage.estimate_summary``). It is given only the rows shown, not the thousands a large
    dataset may select; a wording that drops, adds or reorders rows would show other rows than the caption
    counts, so it is refused (``ValueError``)."""
    if frame.empty:
        if empty_message:
            say(empty_message)
        else:  # the caption as a caption shows it: escaped, its words as written (no '**' made bold)
            message = f"{caption}: none." if caption else "None."
            display({"text/plain": message, "text/html": f"<p>{html.escape(message)}</p>"}, raw=True)
        return
    if len(frame) > MAX_TABLE_ROWS:
        caption = f"{caption} (first {MAX_TABLE_ROWS} of {len(frame):,} rows)"
        frame = frame.head(MAX_TABLE_ROWS)
    if wording is not None:
        frame = _worded(frame, wording)
    shown = frame.astype(object).where(frame.notna(), "")
    long_text = {column: LONG_TEXT_WIDTH for column in shown if shown[column].astype(str).str.len().max() > LONG_TEXT}
    table = shown.to_html(index=False, escape=True, border=0, classes="report-table", col_space=long_text or None)
    table = _with_labels(table, shown.columns)
    heading = f"<p class='table-caption'>{html.escape(caption)}</p>" if caption else ""
    plain = (caption + "\n" if caption else "") + shown.to_string(index=False)
    display({"text/plain": plain, "text/html": heading + table}, raw=True)


def _with_labels(table: str, columns) -> str:
    """``table`` (pandas' HTML, its cells escaped) with each body cell's column name as its ``data-label``: on a
    phone the page shows each row as a card, every value under its name, where the whole table would scroll
    sideways with only its first columns in view (the page template's CSS)."""
    labels = [f' data-label="{html.escape(str(column), quote=True)}"' for column in columns]

    def labelled(row: re.Match) -> str:
        first, *cells = row.group(1).split("<td>")  # escaped values hold no '<td>'
        cells = "".join(f"<td{label}>{cell}" for label, cell in zip(labels, cells, strict=True))
        return f"<tr>{first}{cells}</tr>"

    head, body, rest = table.partition("<tbody>")
    return head + body + re.sub(r"<tr>(.*?)</tr>", labelled, rest, flags=re.S)


def _worded(rows: pd.DataFrame, wording: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
    worded = wording(rows)
    if not worded.index.equals(rows.index):
        name = getattr(wording, "__qualname__", None) or repr(wording)
        raise ValueError(
            f"show_table: wording {name} must give one row for each row it is given, in the same order and with "
            f"the same index ({len(rows)} rows given, {len(worded)} returned)"
        )
    return worded


def show_figure(fig: Figure, name: str, folder: Path) -> Path:
    """Save ``fig`` as SVG and PNG in ``folder`` and show it: the PNG in the notebook, and for the HTML page
    the SVG inline (its marks keep their tooltips and links) as a numbered figure whose accessible name and
    caption state its finding (the chart's title)."""
    _show_saved(name, _saved(fig, name, folder))
    return folder / f"{name}.png"


def _saved(fig: Figure, name: str, folder: Path) -> kept_charts.ChartFiles:
    # Loaded with the drawing stack, only when a chart is drawn (``charts``).
    save_figure = kept_charts.import_module("dprk_report.report.saving").save_figure
    title = _figure_title(fig)
    svg_path, png_path = save_figure(fig, name, folder)
    # Bytes decoded, not read as text: what a kept chart writes back is then byte for byte what was saved.
    return kept_charts.ChartFiles(title, svg_path.read_bytes().decode("utf-8"), png_path.read_bytes())


def _show_saved(name: str, saved: kept_charts.ChartFiles) -> None:
    encoded = base64.b64encode(saved.png).decode("ascii")
    svg = inline_svg(saved.svg, prefix=name, label=f"Chart: {saved.title}")
    figure = f'<figure class="report-figure">{svg}<figcaption>{html.escape(saved.title)}</figcaption></figure>'
    display({"text/plain": f"Figure {name}: {saved.title}", "text/html": figure, "image/png": encoded}, raw=True)


def _figure_title(fig: Figure) -> str:
    if fig.get_suptitle():
        return " ".join(fig.get_suptitle().split())  # a title set on two lines is one sentence after another
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left")]
    return titles[0] if titles else ""


def chart(frame: pd.DataFrame, draw, name: str, folder: Path, empty_message: str) -> None:
    """Draw ``draw(frame)`` and show it (saved in ``folder``), or say ``empty_message`` when ``frame`` is empty.

    ``draw`` is called only for a non-empty frame: titles computed from the frame need rows. In a build, a chart
    an earlier build drew from the same inputs is shown from its kept files instead (``kept_charts``).
    """
    if frame is None or len(frame) == 0:
        say(empty_message)
        return
    apply_style()  # as every chart does first: the settings in its key are those it is drawn with
    key = kept_charts.chart_key(frame, draw, name) if kept_charts.folder() else None
    shown = kept_charts.find(key) if key else None
    if shown is None:
        settings = kept_charts.settings() if key else None
        shown = _saved(draw(frame), name, folder)
        # A drawing that changed the settings drew the next charts otherwise: shown from files, it would not.
        if key and kept_charts.settings() == settings:
            kept_charts.keep(key, shown)
    else:  # drawn by an earlier build from the same inputs: its files, as saving it again would write them
        svg_path, png_path = figure_files(name, folder)
        folder.mkdir(parents=True, exist_ok=True)
        svg_path.write_bytes(shown.svg.encode("utf-8"))
        png_path.write_bytes(shown.png)
    _show_saved(name, shown)
