"""Project-wide pytest set-up, loaded for the unit tests and for nbval on report/ alike."""

import os
import tempfile

from dprk_report import paths

# Notebooks re-executed by nbval (and any other test run) write their figures to a
# scratch folder, never over the published figures/.
os.environ.setdefault(paths.OUTPUT_ENV, tempfile.mkdtemp(prefix="dprk-report-outputs-"))
