"""The build's kernel process (``python -m dprk_report.pipeline.headless_kernel``): ipykernel's launcher, with no
debugger. The kernel spec's own command (JupyterLab's, nbval's) keeps it.

ipykernel imports debugpy in every kernel it starts, to answer a debugger that no page of a build ever has: 0.03 s
and 8 MB a kernel, two kernels at once in a build. Marked absent, it is skipped as ipykernel skips a debugpy that
is not installed. Everything else is ``ipykernel_launcher``'s: the working folder taken off ``sys.path`` while
ipykernel loads (IPython puts it back, as for any kernel), then ipykernel's application.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.modules["debugpy"] = None
    if sys.path[0] == "" or Path(sys.path[0]) == Path.cwd():
        del sys.path[0]

    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
