"""The report build: plan what is stale, execute notebooks in the project kernel in a staging area,
publish atomically. May import every layer below it (report, analysis, data, text).

Only the standard library is imported at this level, so that checking whether
anything needs rebuilding (the common, no-op case) returns quickly.
"""
