"""Project-wide pytest set-up, loaded for the unit tests and for nbval on report/ alike."""

import atexit
import os
import shutil
import tempfile

from dprk_report import paths

# Notebooks re-executed by nbval (and any other test run) write their figures to a
# scratch folder, never over the published figures/; removed when the test process ends.
if paths.OUTPUT_ENV not in os.environ:
    os.environ[paths.OUTPUT_ENV] = tempfile.mkdtemp(prefix="dprk-report-outputs-")
    atexit.register(shutil.rmtree, os.environ[paths.OUTPUT_ENV], ignore_errors=True)
