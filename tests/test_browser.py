"""The published report in a real browser: headless Chromium from the system packages.

Opens report/index.html and every page it links to, and checks that links and
images resolve inside the report, nothing is requested from elsewhere, the
console stays clean and every figure is visible. Saves screenshots to
test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import sync_playwright

from dprk_report import paths

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = paths.PROJECT_ROOT / "test-artifacts"
REPORT = paths.REPORT_DIR


@pytest.fixture(scope="module")
def playwright():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: install Debian's package (apt-get install -y chromium); make test does")
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="module")
def browser(playwright, tmp_path_factory):
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")),
        executable_path=CHROMIUM,
        args=ARGS,
        viewport={"width": 1280, "height": 900},
    )
    yield context
    context.close()


class Visit:
    """One page load with everything it requested and logged."""

    def __init__(self, context, path: Path):
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(path.as_uri(), wait_until="load")

    def hrefs(self) -> list[str]:
        return self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")

    def chart_links(self) -> list[tuple[str, str]]:
        """Where the marks of the inline charts link: as written, and resolved against the page."""
        found = self.page.eval_on_selector_all(
            "svg a",
            """links => links.map(a => {
            const written = a.getAttribute('xlink:href') || a.getAttribute('href');
            return [written, new URL(written, document.baseURI).href];
        })""",
        )
        return [tuple(pair) for pair in found]

    def figures(self) -> list[dict]:
        """Each numbered figure's chart: its accessible name and drawn size."""
        return self.page.eval_on_selector_all(
            "figure.report-figure > svg, figure.report-figure > img",
            """charts => charts.map(chart => {
            const box = chart.getBoundingClientRect();
            return {label: chart.getAttribute('aria-label') || chart.getAttribute('alt') || '',
                    role: chart.tagName.toLowerCase() === 'img' ? 'img' : chart.getAttribute('role'),
                    width: box.width, height: box.height};
        })""",
        )

    def images(self) -> list[dict]:
        return self.page.eval_on_selector_all(
            "img",
            """images => images.map(img => {
            const box = img.getBoundingClientRect();
            return {src: img.currentSrc, natural: img.naturalWidth, width: box.width, height: box.height};
        })""",
        )


def _local_file(url: str) -> Path | None:
    parsed = urlparse(url)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def _notebook_pages() -> set[str]:
    manifest = json.loads((REPORT / "manifest.json").read_text())
    return {output for entry in manifest["pages"].values() for output in entry["outputs"] if output.endswith(".html")}


#: The data changelog lists records by id and names changed columns: that is how a reader finds them in the
#: downloaded tables.
CHANGELOG = "report/changelog.html"


def _pages_in_manifest() -> set[str]:
    """Every HTML page the build published but the index itself: the notebook pages and the changelog."""
    manifest = json.loads((REPORT / "manifest.json").read_text())
    others = {output for output in manifest["index"]["outputs"] if output.endswith(".html")}
    return _notebook_pages() | (others - {"report/index.html"})


@pytest.fixture(scope="module")
def index(browser):
    visit = Visit(browser, REPORT / "index.html")
    ARTIFACTS.mkdir(exist_ok=True)
    visit.page.screenshot(path=str(ARTIFACTS / "report-index.png"), full_page=True)
    return visit


def test_index_lists_every_page(index):
    linked = {
        _local_file(url).relative_to(paths.PROJECT_ROOT).as_posix()
        for url in index.hrefs()
        if _local_file(url) and url.endswith(".html")
    }
    assert linked == _pages_in_manifest()


def _check_page(visit: Visit) -> None:
    off_machine = [url for url in visit.requests if not url.startswith(("file://", "data:"))]
    assert off_machine == [], "requested from elsewhere"
    assert visit.errors == [], "console errors"
    for url in visit.hrefs():
        target = _local_file(url.split("#")[0])
        if target is not None:
            assert target.is_file(), f"broken link {url}"
            assert REPORT in target.parents, f"link leaves the report: {url}"
        else:
            assert url.startswith(("https://", "http://")), f"unexpected link {url}"
    for image in visit.images():
        assert image["natural"] > 0, f"image did not load: {image['src'][:80]}"
        assert image["width"] > 0 and image["height"] > 0, f"image not visible: {image['src'][:80]}"
    for chart in visit.figures():
        assert chart["width"] > 0 and chart["height"] > 0, f"chart not visible: {chart['label']}"
        assert chart["role"] == "img" and chart["label"].startswith("Chart: ") and len(chart["label"]) > 20, chart


def _source_addresses() -> set[str]:
    with (paths.data_dir() / "sources.csv").open(encoding="utf-8", newline="") as handle:
        return {row["url"] for row in csv.DictReader(handle) if row["url"].startswith(("https://", "http://"))}


def _index_anchors(index: Visit) -> set[str]:
    return set(index.page.eval_on_selector_all("[id]", "nodes => nodes.map(node => node.id)"))


def test_index_loads_cleanly(index):
    _check_page(index)


def test_the_changelog_page_loads_cleanly_and_leads_back_to_the_index(browser):
    visit = Visit(browser, paths.PROJECT_ROOT / CHANGELOG)
    _check_page(visit)
    assert (REPORT / "index.html").resolve() in {_local_file(url) for url in visit.hrefs()}
    visit.page.close()


@pytest.mark.parametrize("page", sorted(_notebook_pages()))
def test_every_page_loads_cleanly_with_visible_figures(browser, page):
    visit = Visit(browser, paths.PROJECT_ROOT / page)
    _check_page(visit)
    assert len(visit.figures()) >= 1, "a page without figures"
    name = page.removeprefix("report/").replace("/", "--").removesuffix(".html")
    visit.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    visit.page.close()


#: The widths a reader uses: a laptop and a phone.
WIDTHS = (1280, 390)
#: A record id or a codebook value in snake_case, as a reader must never see them.
_CODE = r"\b(?:ST|ES|C)\d{3,}\b|\b[a-z]+_[a-z_]+\b"
#: The widest screen the notebook pages lay out as a phone's (the page template's CSS).
PHONE_WIDTH = 600


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda width: f"{width}px")
def sized(request, browser):
    return request.param, _SizedContext(browser, request.param)


class _SizedContext:
    """New pages of the shared browser context at one viewport width."""

    def __init__(self, context, width: int):
        self.context, self.width = context, width

    def new_page(self):
        page = self.context.new_page()
        page.set_viewport_size({"width": self.width, "height": 900})
        return page


@pytest.mark.parametrize("page", ["report/index.html", *sorted(_pages_in_manifest())])
def test_a_reader_sees_no_code_and_nothing_overflows_at_each_width(sized, page):
    width, context = sized
    visit = Visit(context, paths.PROJECT_ROOT / page)
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page} is {overflow}px wider than a {width}px screen"
    if width <= PHONE_WIDTH:  # each row of a table is a card that fits the screen: nothing to scroll sideways
        tables = "tables => tables.filter(table => table.scrollWidth > table.clientWidth + 1).length"
        wide = visit.page.eval_on_selector_all("table.report-table", tables)
        assert wide == 0, f"{page}: {wide} tables scroll sideways on a {width}px screen"
    # Web addresses are shown as they are (they may hold snake_case); everything else is prose.
    text = visit.page.evaluate(
        "() => { const body = document.body.cloneNode(true);"
        " body.querySelectorAll('a.address').forEach(address => address.remove());"
        " document.documentElement.appendChild(body); const text = body.innerText; body.remove(); return text; }"
    )
    import re

    codes = sorted(set(re.findall(_CODE, text))) if page != CHANGELOG else []
    assert codes == [], f"{page} shows record ids or snake_case to readers: {codes[:10]}"
    alts = visit.page.eval_on_selector_all("img", "images => images.map(img => img.alt)")
    assert all(alt.startswith("Chart: ") and len(alt) > 20 for alt in alts), f"{page}: an image without alt text"
    ARTIFACTS.mkdir(exist_ok=True)
    name = page.removeprefix("report/").replace("/", "--").removesuffix(".html")
    visit.page.screenshot(path=str(ARTIFACTS / f"{name}-{width}px.png"), full_page=True)
    visit.page.close()


#: The smallest chart text a reader gets on a phone, in CSS pixels.
SMALLEST_CHART_TEXT_PX = 12


@pytest.mark.parametrize("page", sorted(_notebook_pages()))
def test_chart_text_is_readable_on_a_phone(browser, page):
    context = _SizedContext(browser, 390)
    visit = Visit(context, paths.PROJECT_ROOT / page)
    # Each text's font size times the scale it is drawn at (rotated text too): its size on the screen.
    sizes = visit.page.eval_on_selector_all(
        "figure.report-figure svg.report-svg text",
        """texts => texts.map(text => { const m = text.getScreenCTM();
            return [text.textContent.trim(), parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b)]; })""",
    )
    visit.page.close()
    assert sizes, f"{page}: no chart text found"
    small = sorted({(round(size, 1), words[:40]) for words, size in sizes if size < SMALLEST_CHART_TEXT_PX - 0.05})
    assert small == [], f"{page}: chart text under {SMALLEST_CHART_TEXT_PX}px on a 390px screen: {small[:8]}"


#: What a chart wider than the screen says above itself.
SCROLL_CUE = "Scroll sideways to see the whole chart"
#: The widest screen on which charts keep their drawn width and scroll (the page template's CSS).
CHART_SCROLL_WIDTH = 900


@pytest.mark.parametrize("width", [*WIDTHS, CHART_SCROLL_WIDTH - 20])
@pytest.mark.parametrize("page", sorted(_notebook_pages()))
def test_a_chart_cut_at_the_screen_s_edge_says_it_scrolls_and_only_then(browser, page, width):
    """Just under the width where charts start to scroll, a narrow chart would fit: it must not say it scrolls."""
    visit = Visit(_SizedContext(browser, width), paths.PROJECT_ROOT / page)
    # Whether each chart's frame scrolls sideways, and the cue its frame shows above the chart, if any.
    figures = visit.page.eval_on_selector_all(
        "figure.report-figure",
        """figures => figures.map(figure => [figure.scrollWidth > figure.clientWidth + 1,
            getComputedStyle(figure, '::before').content])""",
    )
    visit.page.close()
    assert figures, f"{page}: no chart found"
    for number, (scrolls, cue) in enumerate(figures, start=1):
        shown = SCROLL_CUE in cue
        assert shown == scrolls, f"{page}, figure {number} at {width}px: scrolls {scrolls}, cue shown {shown}"


def test_every_chart_mark_links_to_an_article_of_the_source_list(browser, index):
    """A mark links to its article's own address, or to the article's row in the index's source list."""
    addresses, anchors = _source_addresses(), _index_anchors(index)
    index_file = REPORT / "index.html"
    linked = 0
    for page in sorted(_notebook_pages()):
        visit = Visit(browser, paths.PROJECT_ROOT / page)
        for written, url in visit.chart_links():
            local = _local_file(url.split("#")[0])
            if local is None:
                assert written in addresses, f"{page}: a chart links to {written}, which no registered article has"
            else:
                assert local == index_file and url.split("#")[1] in anchors, f"{page}: {url} finds no article"
            linked += 1
        visit.page.close()
    assert linked > 0, "no chart mark links to its evidence"


def test_the_staleness_alarm_shows_once_the_page_has_aged_past_the_threshold(browser, fake, monkeypatch, tmp_path):
    """Released 12 days after its newest estimate, the page's text raises no alarm; read on a day more than
    90 days after that estimate (any day from late November 2025), its script shows the alarm."""
    from conftest import fake_index

    monkeypatch.setenv(paths.ARCHIVE_ENV, str(fake.archive))
    page = tmp_path / "index.html"
    page.write_text(fake_index(fake, "2025-09-01", 90), encoding="utf-8")
    assert 'id="stale-alarm" hidden' in page.read_text(encoding="utf-8")
    visit = Visit(browser, page)
    alarm = visit.page.locator("#stale-alarm")
    assert alarm.is_visible()
    assert "in the 90 days before today" in alarm.inner_text()
    age = int(alarm.locator(".age").inner_text())
    assert age > 90 and age == (dt.date.today() - dt.date(2025, 8, 20)).days
    visit.page.close()
