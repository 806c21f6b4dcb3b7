"""``report/changelog.html``: the data changelog (``data/CHANGELOG.md``) as a page of the report."""

from __future__ import annotations

import html
from pathlib import Path

from dprk_report.data.releases import changelog_path

PAGE = "report/changelog.html"


def render_changelog(data_dir: Path, title: str, style: str) -> str:
    """The changelog page (a short note when no release was made yet)."""
    import mistune

    path = changelog_path(data_dir)
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Data changelog\n\nNo release yet.\n"
    body = mistune.create_markdown(escape=True)(text)
    heading = html.escape(title)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data changelog · {heading}</title>
<style>{style}</style>
</head>
<body>
<p class="meta"><a href="index.html">← {heading}</a></p>
{body}
</body>
</html>
"""
