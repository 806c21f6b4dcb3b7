"""``report/index.html``: the front page, written with the standard library only.

Every string from the dataset or the config is escaped; the page makes no
requests and uses no web fonts, so it reads offline. Its one small inline script shows
the staleness alarm once the page has aged past the threshold (see ``ALARM_SCRIPT``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from dprk_report import paths
from dprk_report.data.releases import Release, read_releases, release_of
from dprk_report.data.tables import frame_records
from dprk_report.pipeline.changelog import PAGE as CHANGELOG_PAGE
from dprk_report.pipeline.config import ReportConfig
from dprk_report.pipeline.page_look import escaped as _e
from dprk_report.pipeline.page_look import page_start
from dprk_report.report.evidence import source_anchor_id
from dprk_report.text.dates import period_or_none
from dprk_report.text.wording import UNNAMED_OUTLET, date_at_precision, long_day

if TYPE_CHECKING:  # loaded only where the index's parts are made
    from dprk_report.data.dataset import Dataset

#: The order a reader expects the parameters in (the window first, its start before its end).
PARAMETER_ORDER = ("start_date", "end_date", "sides", "metrics")


def _parameters(parameters: dict) -> str:
    """A parameter set in a reader's words: '1 June 2024 to 31 March 2026; sides: South Korea'."""
    shown = []
    for name in PARAMETER_ORDER:
        value = parameters.get(name)
        if name in ("start_date", "end_date") and value:
            shown.append(f"{'' if name == 'start_date' else 'to '}{long_day(value)}")
        elif value:
            shown.append(f"{name}: {', '.join(word.replace('_', ' ') for word in value)}")
    return (
        " ".join(shown[:2]) + ("; " if len(shown) > 2 else "") + "; ".join(shown[2:])
        if shown
        else "the notebooks' own defaults"
    )


def _counts(row_counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {table}" for table, n in row_counts.items())


def _pages_section(config: ReportConfig, pages: dict[str, dict]) -> str:
    parts = []
    for variant, title in config.variants.items():
        items = []
        for page in (p for p in config.pages if p.variant == variant):
            entry = pages[page.key]
            href = _e(page.html.removeprefix("report/"))
            thumbnail = (
                f'<a href="{href}" tabindex="-1"><img class="thumb" src="{_e(page.thumbnail.removeprefix("report/"))}"'
                f' alt="Chart: {_e(entry["chart"])}"></a>'
                if page.thumbnail in entry.get("outputs", {})
                else ""
            )
            items.append(
                f'<li>{thumbnail}<div><a class="page" href="{href}">{_e(entry["title"])}</a> '
                f'<span class="meta">(<a href="{_e(page.record.removeprefix("report/"))}">executed notebook</a>)'
                f'</span><span class="finding">{_e(entry["finding"])}</span></div></li>'
            )
        parameters = _parameters(next(p.parameters for p in config.pages if p.variant == variant))
        parts.append(
            f'<h3>{_e(title)}</h3><p class="params">Covers {_e(parameters)}.</p><ul class="pages">{"".join(items)}</ul>'
        )
    return "".join(parts)


#: What each table holds, in a reader's words.
TABLE_DESCRIPTIONS = {
    "sources": "the archived articles",
    "statements": "official statements about the deployment",
    "estimates": "troop and casualty figures",
    "citations": "every article's quote supporting each statement and figure",
}


def _downloads_section(row_counts: dict[str, int], release: Release | None) -> str:
    from dprk_report.pipeline.downloads import CODEBOOK, DATAPACKAGE, table_download

    items = [
        f'<li><a href="{_e(table_download(table).removeprefix("report/"))}" download>{_e(table)}.csv</a>: '
        f"{_e(TABLE_DESCRIPTIONS[table])} ({rows:,} rows)</li>"
        for table, rows in row_counts.items()
    ]
    items.append(
        f'<li><a href="{_e(CODEBOOK.removeprefix("report/"))}" download>codebook.md</a>: what every column means '
        "and the rules the tables follow</li>"
    )
    items.append(
        f'<li><a href="{_e(DATAPACKAGE.removeprefix("report/"))}" download>datapackage.json</a>: the tables '
        "described for software (a Frictionless Data Package: field types, units, vocabularies, keys)</li>"
    )
    named = f"release {_e(release.name)}" if release else "as it stands, not yet a release"
    return (
        f'<p>The dataset ({named}; <a href="{_e(CHANGELOG_PAGE.removeprefix("report/"))}">what changed in each '
        f'release</a>):</p><ul class="downloads">{"".join(items)}</ul><p class="meta">CSV, UTF-8, one header row. '
        "A cell that a spreadsheet would run as a formula (one beginning with =, +, - or @) starts with an "
        "apostrophe in these copies. The data are licensed under CC BY 4.0 (give credit as below); the quotes "
        "remain their publishers' words.</p>"
    )


def _sources_section(source_rows: list[dict]) -> str:
    """The archived articles, newest first, as a reader scans a list of articles: outlet (and the wire it
    carries), publication date, and the headline linked to the article. Three columns fit a phone's width; a
    web address shown in full took a column of its own, broken letter by letter on a narrow screen."""
    rows = []
    sources = [{column: value or "" for column, value in row.items()} for row in source_rows]
    for source in sorted(sources, key=lambda row: (row["published_date"], row["source_id"]), reverse=True):
        date = _date_text(source["published_date"], source["published_precision"])
        outlet = _e(source["outlet"] or UNNAMED_OUTLET)
        wire = f'<br><span class="meta">via {_e(source["wire_agency"])}</span>' if source["wire_agency"] else ""
        # Each row is the target of the chart marks that cite the article.
        rows.append(
            f'<tr id="{_e(source_anchor_id(source["source_id"]))}"><td>{outlet}{wire}</td><td>{_e(date)}</td>'
            f'<td class="article">{_article_cell(source["title"], source["url"])}</td></tr>'
        )
    head = "<tr><th>Outlet</th><th>Published</th><th>Article</th></tr>"
    return f'<div class="scroll"><table>{head}{"".join(rows)}</table></div>'


def _article_cell(title: str, url: str) -> str:
    """The headline linked to the article's web address (the address itself, without its scheme, when the
    stored copy has no headline: its path tells one article of an outlet from another). Only web addresses
    become links; anything else (javascript:, file:, an address that does not parse) is shown as text."""
    try:
        parts = urlsplit(url) if url.startswith(("https://", "http://")) else None
    except ValueError:
        parts = None
    if parts is not None and parts.hostname:
        if title:
            return f'<a href="{_e(url)}" rel="noreferrer">{_e(title)}</a>'
        return f'<a class="address" href="{_e(url)}" rel="noreferrer">{_e(_address_words(parts))}</a>'
    shown = title or "No headline in the stored copy"
    return _e(shown) + (f'<br><span class="meta">{_e(url)}</span>' if url else "")


#: The longest an address shown in place of a headline is, in characters (then cut, with an ellipsis).
ADDRESS_SHOWN = 60


def _address_words(parts) -> str:
    """'koreaherald.com/view.php?ud=20241029050676', cut to ``ADDRESS_SHOWN`` characters."""
    shown = parts.hostname.removeprefix("www.") + parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")
    return shown if len(shown) <= ADDRESS_SHOWN else shown[: ADDRESS_SHOWN - 1] + "\u2026"


def _date_text(written: str, precision: str) -> str:
    """A publication date as precisely as known ('17 Aug 2025', 'Aug 2025', '3 Sep 2025 or later'):
    ``date_at_precision``, from the date as the table writes it, so that an 'on or after' month reads 'Aug 2025
    or later' (shown as written when it is no date)."""
    period = period_or_none(written)
    return written if period is None else date_at_precision(period.start, precision, written_to=period.precision)


def _glance(dataset: Dataset, release: Release | None, stale_after_days: int) -> str:
    """The headline: the latest figure of each measure (the estimates page's rule), how fresh the data are and,
    when no estimate is recent, the alarm."""
    from dprk_report.analysis import lineage
    from dprk_report.analysis.freshness import freshness
    from dprk_report.report.findings import LATEST_RULE, latest_figures, newest_record_lines

    lines = "".join(f"<li>Latest {_e(line)}.</li>" for line in latest_figures(lineage.estimate_table(dataset)))
    newest = dataset.sources["published_date_start"].max()
    excerpts = int(dataset.sources["is_excerpt"].fillna(False).sum())  # the Limitations count on this line
    # Ages count to a day the data fix (the release's, else the newest article's), so a rebuild of the same
    # data gives the same page; the scheduled job checks against today (release.nightly).
    as_of, as_of_text = (
        (release.date, f"release {release.name} ({long_day(release.date)})")
        if release
        else (newest, f"the newest article ({long_day(newest)})")
    )
    fresh = freshness(dataset, as_of)
    ages = "".join(f"<li>{_e(line)}.</li>" for line in newest_record_lines(fresh, as_of_text))
    alarm = _alarm(fresh, stale_after_days, as_of_text) if fresh.estimate_age is not None else ""
    return (
        f'{alarm}<div class="glance"><p><strong>At a glance.</strong> Last updated with an article of '
        f"{long_day(newest)}; {len(dataset.sources):,} archived articles, {excerpts:,} of them excerpts.</p>"
        f"<ul>{lines}{ages}</ul>"
        f'<p class="meta">The latest figure of each measure is {_e(LATEST_RULE)}.</p></div>'
    )


#: Shows the alarm when the reader's today is past the threshold, although the page's text counts to the
#: release: the same data give the same page, and the page still warns once it has aged.
ALARM_SCRIPT = """<script>
(function () {
  var alarm = document.getElementById("stale-alarm");
  var days = Math.floor((Date.now() - Date.parse(alarm.dataset.newest)) / 86400000);
  if (days > Number(alarm.dataset.threshold)) {
    alarm.querySelector(".when").textContent = "today";
    alarm.querySelector(".age").textContent = days;
    alarm.hidden = false;
  }
})();
</script>"""


def _alarm(fresh, stale_after_days: int, as_of_text: str) -> str:
    """The staleness alarm: shown when the newest estimate is older than the threshold at the release's
    date, and by the page's script when it is older than that on the day a reader opens it."""
    hidden = "" if fresh.stale(stale_after_days) else " hidden"
    return (
        f'<div class="alarm" role="alert" id="stale-alarm"{hidden} data-newest="{fresh.newest_estimate:%Y-%m-%d}" '
        f'data-threshold="{stale_after_days}"><strong>These figures are old.</strong> No troop or casualty '
        f'estimate in the data was made public in the {stale_after_days} days before <span class="when">'
        f"{_e(as_of_text)}</span>: the newest dates from {long_day(fresh.newest_estimate)}, "
        f'<span class="age">{fresh.estimate_age}</span> days earlier. Read every figure as of its date.</div>'
        f"{ALARM_SCRIPT}"
    )


def _release_line(releases: list[Release], release: Release | None) -> str:
    changelog = f'<a href="{_e(CHANGELOG_PAGE.removeprefix("report/"))}">what changed</a>'
    if release:
        return (
            f'<p class="release">Data release <strong>{_e(release.name)}</strong> of {long_day(release.date)} '
            f"({changelog}).</p>"
        )
    if releases:
        return (
            f'<p class="release">These data include changes made after release <strong>{_e(releases[-1].name)}'
            f"</strong> of {long_day(releases[-1].date)}; the next release will name them ({changelog}).</p>"
        )
    return '<p class="release">The data have not been released yet.</p>'


def _citation(config: ReportConfig, release: Release | None, data_version: str) -> str:
    """The suggested citation, from ``CITATION.cff`` (authors, title) and the release the data are."""
    import yaml

    try:
        cff = yaml.safe_load(paths.CITATION.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        cff = {}
    authors = (
        ", ".join(
            a.get("name") or " ".join(filter(None, (a.get("given-names"), a.get("family-names"))))
            for a in cff.get("authors", [])
        )
        or "dprk-report maintainers"
    )
    title = cff.get("title") or config.title
    if release:
        which = f"({release.date[:4]}). {title}. Data release {release.name} [dataset], git tag data-{release.name}."
    else:
        # Author (date). Title. ...: as a release is cited, with no year before there is a release.
        which = f"(unreleased). {title}. Data version {data_version[:12]} [dataset]."
    return (
        f'<blockquote class="cite">{_e(authors)} {_e(which)} Licence: CC BY 4.0.</blockquote>'
        '<p class="meta">Cite the release you used: its git tag holds exactly its tables, with the code and '
        "report published with them. "
        "Citation metadata: <code>CITATION.cff</code>. The data are licensed under "
        '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license noreferrer">CC BY 4.0</a> '
        "(<code>data/LICENSE.md</code>); the code under the MIT licence (<code>LICENSE</code>).</p>"
    )


def render_index(config: ReportConfig, pages: dict[str, dict], data_version: str, data_dir: Path | None = None) -> str:
    """The index page as HTML text."""
    return assemble_index(pages, config, prepare_index(config, data_version, data_dir))


def assemble_index(pages: dict[str, dict], config: ReportConfig, parts: tuple[str, str]) -> str:
    """The index from its page-independent parts (``prepare_index``) and the built pages' entries."""
    before, after = parts
    return f"{before}\n{_pages_section(config, pages)}\n{after}"


def prepare_index(config: ReportConfig, data_version: str, data_dir: Path | None = None) -> tuple[str, str]:
    """The index's HTML before and after its list of pages: everything that depends on the data and the
    config only, so the build can make it while the last pages still run.

    All of it comes from the dataset of ``data_version``, the one the build took (``DatasetError`` when the data
    are another), read once: in a build's kernel that ran pages, as they loaded it. The tables' counts are its
    tables' records, by the downloads' rule: each record under the header is a row."""
    from dprk_report.data.dataset import load_dataset  # pandas: loaded by what makes the index, not by the module

    data_dir = paths.data_dir(data_dir)
    dataset = load_dataset(data_dir, taken=data_version)
    row_counts = {table: len(frame) for table, frame in dataset.raw.items()}
    limitations = "".join(f"<li>{_e(item)}</li>" for item in config.limitations)
    releases = read_releases(data_dir)
    release = release_of(releases, data_version)
    before = f"""{page_start(config.title)}
<h1>{_e(config.title)}</h1>
<p>{_e(config.description)}</p>
{_release_line(releases, release)}
{_glance(dataset, release, config.stale_after_days)}
<p class="meta">Data version <code title="{_e(data_version)}">{_e(data_version[:12])}</code>
(a hash of the curated tables and the archived articles they cite): {_e(_counts(row_counts))}.</p>
<h2>Pages</h2>"""
    after = f"""<h2>Data</h2>
{_downloads_section(row_counts, release)}
<h2>Sources</h2>
<p class="meta">Copies of one wire agency's story (an outlet marked "via AFP", for instance) are one report,
not independent confirmation.</p>
{_sources_section([row for _, row in frame_records(dataset.raw["sources"])])}
<h2>Method</h2>
<p>Each official statement about the deployment and each figure of North Korean troops deployed, planned,
killed, wounded, captured or repatriated was curated by hand from archived news articles, with a short
verbatim quote from every article that reports it. Dates are kept at the precision the articles give;
qualifiers ("more than", "around") are kept as written; a figure repeated by later articles is one record
with several citations, so the report can show how old a figure was when it was repeated and how its
wording changed. Where articles disagree, both are recorded and the choice is explained in the data.</p>
<h2>Limitations</h2>
<ul>{limitations}</ul>
<h2>How to cite</h2>
{_citation(config, release, data_version)}
</body>
</html>
"""
    return before, after
