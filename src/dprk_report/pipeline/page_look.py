"""The look of the report's own pages beside the notebooks' (the index, the data changelog): their shared
style and the start of each page. Written with the standard library only, as those pages are."""

from __future__ import annotations

import html

STYLE = """
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; max-width: 960px;
       margin: 0 auto; padding: 2rem 1rem 4rem; }
h1 { font-size: 1.7rem; margin-bottom: .3rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
h3 { margin-bottom: .4rem; } .meta { color: #555; font-size: .9rem; } code { font-size: .85rem; }
ul.pages { list-style: none; padding: 0; } ul.pages li { margin: 0 0 1.2rem; display: flex; gap: 1rem; }
ul.pages a.page { font-weight: 600; } .finding { display: block; color: #333; }
ul.pages img.thumb { width: 240px; height: auto; flex: none; border: 1px solid #e1e4e8; border-radius: 4px; }
@media (max-width: 600px) { ul.pages li { flex-direction: column; gap: .4rem; }
                            ul.pages img.thumb { width: 100%; max-width: 360px; } }
ul.downloads li { margin: .2rem 0; }
.params { color: #555; font-size: .85rem; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
td.article { overflow-wrap: anywhere; }  /* a long host name breaks rather than widen the table past a phone */
.scroll { overflow-x: auto; max-width: 100%; }
.glance { background: #f6f8fa; border: 1px solid #e1e4e8; border-radius: 6px; padding: .6rem 1rem; }
.glance li { margin: .2rem 0; } blockquote.cite { border-left: 3px solid #ccc; margin: .5rem 0; padding: .2rem .8rem; }
.alarm { background: #fff4e5; border: 2px solid #c25e00; border-radius: 6px; padding: .6rem 1rem; margin: 1rem 0; }
.release { font-size: .95rem; }
a { color: #1a5fb4; }
"""


def escaped(value) -> str:
    """``value`` as text safe inside HTML, in an element or an attribute."""
    return html.escape(str(value), quote=True)


def page_start(title: str) -> str:
    """The start of a page of the report beside the index, up to ``<body>``: its title and the shared style."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escaped(title)}</title>
<style>{STYLE}</style>
</head>
<body>"""
