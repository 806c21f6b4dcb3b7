"""Chart marks linked to their evidence, with no JavaScript.

A chart registers a mark (a matplotlib artist) with the words a reader sees on hovering it (who, the figure
as written, the date at its precision, the quote) and the address of the article that carries it. The SVG a
figure is saved as then gives that mark a ``<title>`` (the browser's tooltip) and a link; the HTML page
embeds the SVG inline, so every mark can be hovered and followed.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the index links to sources through this module, and needs no matplotlib for it
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure

#: Where on the report a mark links when its article has no web address: the article's row in the index,
#: as seen from a page (``report/<variant>/``).
SOURCE_ANCHOR = "../index.html#source-{source_id}"
#: The same link as seen from a standalone figure (``figures/<variant>/``).
_FROM_PAGE, _FROM_FIGURES = 'href="../index.html#source-', 'href="../../report/index.html#source-'


def standalone_svg(svg: str) -> str:
    """A chart's SVG as saved in ``figures/<variant>/``: its links to the index's source list lead there."""
    return svg.replace(_FROM_PAGE, _FROM_FIGURES)


def source_anchor_id(source_id: str) -> str:
    """The id of an article's row in the index's source list (what ``SOURCE_ANCHOR`` points at)."""
    return f"source-{source_id}"


def article_href(url, source_id: str) -> str:
    """The article's own web address, or its row in the report's source list when it has none."""
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        return url
    return SOURCE_ANCHOR.format(source_id=source_id)


def link_mark(artist: Artist, mark_id: str, tooltip: str, href: str) -> None:
    """Give ``artist`` an id, a tooltip and a link in the SVG its figure is saved as."""
    artist.set_gid(mark_id)
    artist.set_url(href)
    marks(artist.figure)[mark_id] = tooltip


def marks(fig: Figure) -> dict[str, str]:
    """The tooltips of a figure's linked marks, by mark id."""
    if not hasattr(fig, "evidence_marks"):
        fig.evidence_marks = {}
    return fig.evidence_marks


def add_tooltips(svg: str, tooltips: dict[str, str]) -> str:
    """``svg`` with a ``<title>`` as the first child of each linked mark's group."""
    for mark_id, text in tooltips.items():
        svg = svg.replace(f'<g id="{mark_id}">', f'<g id="{mark_id}"><title>{html.escape(text)}</title>', 1)
    return svg


_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_SIZE = re.compile(r'<svg([^>]*?) width="([0-9.]+)pt" height="[^"]*"')
#: CSS pixels per point (matplotlib sizes its SVGs in points).
_PX_PER_PT = 4 / 3
_IDS = re.compile(r'(\bid="|xlink:href="#|href="#|url\(#)([^")]+)')


def inline_svg(svg: str, prefix: str, label: str) -> str:
    """A saved SVG ready to sit inside an HTML page: no XML prologue, scaled to the page's width, its ids
    prefixed so that two charts on one page never share one, its links as seen from the page, and ``label``
    as its accessible name."""
    body = _PROLOGUE.sub("", svg, count=1).replace(_FROM_FIGURES, _FROM_PAGE)
    body = _IDS.sub(lambda match: f"{match.group(1)}{prefix}-{match.group(2)}", body)
    attributes = f' role="img" aria-label="{html.escape(label, quote=True)}" class="report-svg"'

    def sized(match: re.Match) -> str:
        # Its drawn width at full size, for narrow screens, where it scrolls at that size rather than shrink
        # its text below what a phone can read.
        natural = round(float(match.group(2)) * _PX_PER_PT)
        return f'<svg{match.group(1)}{attributes} style="--natural-width: {natural}px"'

    return _SIZE.sub(sized, body, count=1)
