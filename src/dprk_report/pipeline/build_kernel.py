"""The build's kernel process (``python -m dprk_report.pipeline.build_kernel``): ipykernel's launcher, without
ipykernel's debugger. The kernel spec's own command (JupyterLab's, nbval's) keeps the debugger.

ipykernel imports debugpy in every kernel it starts, to answer a debugger that no page of a build ever has: 0.03 s
and 8 MB a kernel, two kernels at once in a build. Marked absent, it is skipped as ipykernel skips a debugpy that
is not installed. Then ``ipykernel_launcher`` itself runs, as ``python -m`` would run it (it takes the working
folder off ``sys.path`` while ipykernel loads). Running this module first imports its packages, ``dprk_report``
and ``dprk_report.pipeline``, which import only the standard library.
"""

import runpy
import sys

if __name__ == "__main__":
    sys.modules.setdefault("debugpy", None)
    runpy.run_module("ipykernel_launcher", run_name="__main__")
