"""``report/index.html``: the front page, written with the standard library only.

Every string from the dataset or the config is escaped; the page has no
scripts, web fonts or other requests, so it reads offline.
"""

from __future__ import annotations

import html
from pathlib import Path

from dprk_report import paths
from dprk_report.data.tables import TABLES, read_rows, table_path
from dprk_report.pipeline.config import ReportConfig

STYLE = """
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; max-width: 960px;
       margin: 0 auto; padding: 2rem 1rem 4rem; }
h1 { font-size: 1.7rem; margin-bottom: .3rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
h3 { margin-bottom: .4rem; } .meta { color: #555; font-size: .9rem; } code { font-size: .85rem; }
ul.pages { list-style: none; padding: 0; } ul.pages li { margin: 0 0 1rem; }
ul.pages a.page { font-weight: 600; } .finding { display: block; color: #333; }
.params { color: #555; font-size: .85rem; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
td.url { word-break: break-all; color: #555; }
a { color: #1a5fb4; }
"""


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _parameters(parameters: dict) -> str:
    shown = {k: v for k, v in parameters.items() if k != "figures_dir"}
    if not shown:
        return "defaults of each notebook"
    return "; ".join(f"{k} = {', '.join(v) if isinstance(v, list) else v}" for k, v in sorted(shown.items()))


def _counts(data_dir: Path) -> str:
    counts = {table: len(read_rows(table_path(data_dir, table))[1]) for table in TABLES}
    return ", ".join(f"{n} {table}" for table, n in counts.items())


def _pages_section(config: ReportConfig, pages: dict[str, dict]) -> str:
    parts = []
    for variant, title in config.variants.items():
        items = []
        for page in (p for p in config.pages if p.variant == variant):
            entry = pages[page.key]
            items.append(
                f'<li><a class="page" href="{_e(page.html.removeprefix("report/"))}">{_e(entry["title"])}</a> '
                f'<span class="meta">(<a href="{_e(page.record.removeprefix("report/"))}">executed notebook</a>)'
                f'</span><span class="finding">{_e(entry["finding"])}</span></li>'
            )
        parameters = _parameters(next(p.parameters for p in config.pages if p.variant == variant))
        parts.append(
            f'<h3>{_e(title)}</h3><p class="params">Parameters: {_e(parameters)}</p>'
            f'<ul class="pages">{"".join(items)}</ul>'
        )
    return "".join(parts)


def _sources_section(data_dir: Path) -> str:
    rows = []
    for source in read_rows(table_path(data_dir, "sources"))[1]:
        source = {column: value or "" for column, value in source.items()}
        date = source["published_date"] + (" or later" if source["published_precision"] == "not_before" else "")
        url = source["url"]
        link = f'<a href="{_e(url)}" rel="noreferrer">{_e(url)}</a>' if url.startswith("https://") else _e(url)
        rows.append(
            f"<tr><td>{_e(source['source_id'])}</td><td>{_e(source['outlet'] or 'Unnamed outlet')}</td>"
            f"<td>{_e(date)}</td><td>{_e(source['wire_agency'])}</td><td>{_e(source['title'])}</td>"
            f'<td class="url">{link}</td></tr>'
        )
    head = "<tr><th>Id</th><th>Outlet</th><th>Published</th><th>Wire</th><th>Title</th><th>Address</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def render_index(config: ReportConfig, pages: dict[str, dict], data_version: str, data_dir: Path | None = None) -> str:
    """The index page as HTML text."""
    data_dir = Path(data_dir or paths.data_dir())
    limitations = "".join(f"<li>{_e(item)}</li>" for item in config.limitations)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(config.title)}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>{_e(config.title)}</h1>
<p>{_e(config.description)}</p>
<p class="meta">Data version <code title="{_e(data_version)}">{_e(data_version[:12])}</code>
(a hash of the curated tables and the archived articles): {_e(_counts(data_dir))}.</p>
<h2>Pages</h2>
{_pages_section(config, pages)}
<h2>Sources</h2>
<p class="meta">Copies of one wire agency's story (the Wire column) are one report, not independent confirmation.</p>
{_sources_section(data_dir)}
<h2>Limitations</h2>
<ul>{limitations}</ul>
</body>
</html>
"""
