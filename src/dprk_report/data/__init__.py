"""The curated dataset: the one reader and writer of the four tables, the codebook's schema, the
cross-table checks and validation (findings as data), the typed loader and the data version.
May import ``text`` (and ``paths``, ``vocab``); never analysis, report or pipeline."""
