"""``report/changelog.html``: the data changelog (``data/CHANGELOG.md``) as a page of the report."""

from __future__ import annotations

from pathlib import Path

from dprk_report.data.releases import changelog_path
from dprk_report.pipeline.page_look import escaped, page_start

PAGE = "report/changelog.html"


def render_changelog(data_dir: Path, title: str) -> str:
    """The changelog page (a short note when no release was made yet)."""
    import mistune

    path = changelog_path(data_dir)
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Data changelog\n\nNo release yet.\n"
    body = mistune.create_markdown(escape=True)(text)
    return f"""{page_start(f"Data changelog · {title}")}
<p class="meta"><a href="index.html">← {escaped(title)}</a></p>
{body}
</body>
</html>
"""
