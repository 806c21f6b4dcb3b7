"""The curated dataset: the one reader and writer of the four tables, the codebook's column rules (plain,
``columns``) and their pandera schema, the cross-table checks and validation (findings as data), the typed
loader and the data version.
May import ``text`` (and ``paths``, ``vocab``); never analysis, report or pipeline."""
