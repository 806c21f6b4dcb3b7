"""The build's kernel process (``python -m dprk_report.pipeline.build_kernel``): ipykernel's launcher, without
ipykernel's debugger. The kernel spec's own command (JupyterLab's, nbval's) keeps the debugger.

ipykernel imports debugpy in every kernel it starts, to answer a debugger that no page of a build ever has: 0.03 s
and 8 MB a kernel, two kernels at once in a build. Marked absent, it is skipped as ipykernel skips a debugpy that
is not installed. Otherwise this is ``ipykernel_launcher``: the working folder taken off ``sys.path`` while
ipykernel loads (IPython puts it back, as for any kernel), then ipykernel's application. Running this module first
imports its packages, ``dprk_report`` and ``dprk_report.pipeline``, which import only the standard library.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.modules.setdefault("debugpy", None)
    if sys.path[0] == "" or Path(sys.path[0]) == Path.cwd():
        del sys.path[0]

    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
