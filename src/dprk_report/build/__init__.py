"""The report build: plan what is stale, execute it in a staging area, publish atomically.

Only the standard library is imported at this level, so that checking whether
anything needs rebuilding (the common, no-op case) returns quickly.
"""
