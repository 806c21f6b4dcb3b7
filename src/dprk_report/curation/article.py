"""Read an archived article: its header, its text, and what it says about itself.

Every field is returned with the basis it was read from, so the command can
show the curator where each value came from; what the text does not show is
left empty, never guessed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from dprk_report.text.quotes import read_article

_HEADER = re.compile(r"^(url|date-on-page):\s*(\S.*)$")
_URL_DATE = re.compile(r"(20\d\d)[/-]?(\d\d)[/-]?(\d\d)(?=[/_.-]|$)")  # .../2025/06/18/..., ...-20250618.htm
_WIRES = {
    "AFP": r"\(AFP\)|\bBy AFP\b|\[AFP\]",
    "Reuters": r"\(Reuters\)|\bSources?: Reuters\b|\bReuters was unable",
    "AP": r"\(AP\)|\bAssociated Press\b",
    "UPI": r"\(UPI\)",
    "Yonhap": r"\(Yonhap\)|^Yonhap$|\breports Yonhap\b",
}


@dataclass
class Found:
    """A value and how it was found ('' when the text does not show it)."""

    value: str = ""
    basis: str = ""


@dataclass
class Article:
    path: Path
    number: str
    sha256: str
    text: str
    body: str
    header: dict[str, str] = field(default_factory=dict)

    @property
    def source_id(self) -> str:
        return f"S{self.number}"

    @property
    def is_excerpt(self) -> bool:
        """Stored page copies carry a header; the archive's README calls them excerpts."""
        return bool(self.header)

    def url(self) -> Found:
        if "url" in self.header:
            return Found(self.header["url"], "header")
        match = re.search(r"https?://\S+", self.body)
        return Found(match.group(0), "text") if match else Found()

    def title(self) -> Found:
        for line in self.body.splitlines():
            line = line.strip()
            if line:
                return Found(line, "first line") if len(line) <= 160 and not line.endswith(".") else Found()
        return Found()

    def host(self) -> str:
        """The address's host without ``www.`` ('' when there is no address)."""
        return (urlparse(self.url().value).hostname or "").removeprefix("www.")

    def outlet_from_url(self, known: dict[str, str] | None = None) -> Found:
        """The outlet an earlier registered article from the same host names, else the host itself."""
        host = self.host()
        if host and known and host in known:
            return Found(known[host], "outlet of an earlier article from the same address")
        return Found(host, "url host") if host else Found()

    def published(self) -> tuple[Found, str]:
        """Publication date and its precision, from the page date, the URL or a dateline with a year."""
        if "date-on-page" in self.header:
            return Found(self.header["date-on-page"], "date_on_page"), "day"
        printed = re.search(
            r"^\s*(?:Published:?|date)\s+(.{6,30}?)(?:,\s*\d\d:\d\d|\s+\d{3}$|$)", self.body, re.MULTILINE
        )
        if printed:
            resolved = _resolve_printed(printed.group(1))
            if resolved:
                return Found(resolved, "date_on_page"), "day"
        match = _URL_DATE.search(self.url().value)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return Found(date(year, month, day).isoformat(), "url"), "day"
            except ValueError:
                pass
        return Found(), ""

    def wire_agency(self) -> Found:
        for agency, pattern in _WIRES.items():
            if re.search(pattern, self.body, re.MULTILINE):
                return Found(agency, "named in the text")
        return Found()


def _resolve_printed(text: str) -> str:
    """A full date printed on the page ('17 Aug. 2025', '2025-05-04'), or '' when it is not one."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return text.strip()
    from dprk_report.text.phrases import resolve

    found = resolve(text, date(2100, 1, 1))
    return found.text if found and found.precision == "day" and re.search(r"\d{4}", text) else ""


def read(path: Path) -> Article:
    """Read an archive file named ``NNN_name.txt``."""
    path = Path(path)
    match = re.fullmatch(r"(\d{3,})_.+\.txt", path.name)
    if match is None:
        raise ValueError(f"{path.name}: archive files are named NNN_outlet.txt (a number, an underscore, a name)")
    try:
        text = read_article(path)
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path.name}: not UTF-8 text ({error.reason} at byte {error.start}); save the article as UTF-8"
        ) from None
    if not text.strip():
        raise ValueError(f"{path.name}: the file is empty; archive the article's text before registering it")
    lines = text.splitlines()
    header: dict[str, str] = {}
    while lines and (found := _HEADER.match(lines[0])):
        header[found.group(1)] = found.group(2).strip()
        lines.pop(0)
    body_lines = lines
    return Article(
        path,
        match.group(1),
        hashlib.sha256(path.read_bytes()).hexdigest(),
        text,
        "\n".join(body_lines).strip("\n"),
        header,
    )
