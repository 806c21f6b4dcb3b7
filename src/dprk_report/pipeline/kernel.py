"""The project's Jupyter kernel, installed into the project's own environment.

JupyterLab, papermill, nbval and the build all name this kernel, so what runs
in the lab runs the same way in the build. It is installed under the
environment's prefix (``.venv/share/jupyter``), never in the user's folders.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

KERNEL_NAME = "dprk-report"
DISPLAY_NAME = "Python 3 (dprk-report)"


def kernel_spec() -> dict:
    return {
        # The kernel's own start-up warnings (e.g. about TCP transport on loopback) would
        # otherwise interleave with the build's log lines; errors still show.
        "argv": [
            sys.executable,
            "-Xfrozen_modules=off",
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--IPKernelApp.log_level=ERROR",
        ],
        "display_name": DISPLAY_NAME,
        "language": "python",
        "metadata": {"debugger": True},
    }


def install() -> Path:
    """Install (or refresh) the kernel spec under ``sys.prefix`` and return its folder."""
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / KERNEL_NAME
        spec.mkdir()
        (spec / "kernel.json").write_text(json.dumps(kernel_spec(), indent=1) + "\n", encoding="utf-8")
        return Path(KernelSpecManager().install_kernel_spec(str(spec), KERNEL_NAME, prefix=sys.prefix))


if __name__ == "__main__":
    print(f"installed kernel {KERNEL_NAME} in {install()}")
