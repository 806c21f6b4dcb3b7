"""Analysis behind the notebooks: the selection, cadence, coverage, lineage (when a record became public,
first reported, superseded) and the consistency warnings built on them. Pure functions from typed
frames to tidy frames. May import ``data`` and ``text``."""
