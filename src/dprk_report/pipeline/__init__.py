"""The report build: plan what is stale, execute notebooks in the project kernel in a staging area,
publish atomically. May import every layer below it (report, analysis, data, text).

Only the standard library is imported at this level, so that checking whether
anything needs rebuilding (the common, no-op case) returns quickly.
"""

import sys

# jsonschema, which nbformat validates notebooks with, imports rfc3987_syntax when it is installed, and
# that library builds some 35 parsers when imported: 1.5-2 s in every process that loads nbformat
# (python-jsonschema/jsonschema#1428), for the "iri" string formats that no notebook schema uses.
# Marked absent, it is skipped by jsonschema and those formats go unchecked.
sys.modules.setdefault("rfc3987_syntax", None)
