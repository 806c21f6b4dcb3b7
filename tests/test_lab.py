"""JupyterLab from the project environment: notebooks listed, the project kernel available,
one notebook executed through a kernel the server started, and a clean shutdown."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import psutil
import pytest
from jupyter_client import BlockingKernelClient

from dprk_report import paths
from dprk_report.pipeline.kernel import KERNEL_NAME


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Lab:
    def __init__(self, root: Path, scratch: Path):
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.runtime = scratch / "runtime"
        env = {
            **os.environ,
            # Keep the test away from the user's own Jupyter folders.
            "JUPYTER_CONFIG_DIR": str(scratch / "config"),
            "JUPYTER_DATA_DIR": str(scratch / "data"),
            "JUPYTER_RUNTIME_DIR": str(self.runtime),
            paths.OUTPUT_ENV: str(scratch / "outputs"),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={root}",
            ]
            + (["--allow-root"] if os.geteuid() == 0 else []),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def api(self, path: str, method: str = "GET", body: dict | None = None):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"JupyterLab exited: {self.process.stderr.read()[-2000:]}")
            try:
                self.api("status")
                return
            except OSError:
                time.sleep(0.3)
        pytest.fail("JupyterLab did not answer in time")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = Lab(paths.NOTEBOOKS_DIR, tmp_path_factory.mktemp("lab"))
    server.wait_ready()
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait()


def test_server_lists_the_notebooks(lab):
    listed = {item["name"] for item in lab.api("contents")["content"]}
    assert {"01-describe-sources.ipynb", "02-chart-statement-cadence.ipynb", "03-chart-estimate-timing.ipynb"} <= listed


def test_project_kernel_is_available(lab):
    specs = lab.api("kernelspecs")["kernelspecs"]
    assert KERNEL_NAME in specs
    assert Path(specs[KERNEL_NAME]["spec"]["argv"][0]).resolve() == Path(sys.executable).resolve()


def test_a_notebook_runs_top_to_bottom_in_a_server_kernel(lab):
    session = lab.api(
        "sessions",
        "POST",
        {"path": "02-chart-statement-cadence.ipynb", "type": "notebook", "kernel": {"name": KERNEL_NAME}},
    )
    kernel_id = session["kernel"]["id"]
    client = BlockingKernelClient(connection_file=str(lab.runtime / f"kernel-{kernel_id}.json"))
    client.load_connection_file()
    # No heartbeat channel: the client's heartbeat declares a kernel dead when one ping goes unanswered
    # for a second, which a kernel still starting on a busy machine does ("Kernel died before replying to
    # kernel_info"). The server owns this kernel and watches it; the client only waits for its reply.
    client.start_channels(hb=False)
    try:
        client.wait_for_ready(timeout=180)
        notebook = nbformat.read(paths.NOTEBOOKS_DIR / "02-chart-statement-cadence.ipynb", as_version=4)
        shown = []
        for cell in (c for c in notebook.cells if c.cell_type == "code"):
            reply = client.execute_interactive(
                cell.source,
                timeout=120,
                output_hook=lambda m: shown.append(m["content"].get("data", {}).get("text/plain", "")),
            )
            assert reply["content"]["status"] == "ok", reply["content"]
        assert any("Selection: 1 June 2024 to 31 March 2026, all sides." in text for text in shown)
    finally:
        client.stop_channels()
    lab.api(f"sessions/{session['id']}", "DELETE")


def test_server_shuts_down_cleanly_and_leaves_no_process(lab):
    children = psutil.Process(lab.process.pid).children(recursive=True)
    lab.api("shutdown", "POST")
    assert lab.process.wait(timeout=30) == 0
    gone, alive = psutil.wait_procs(children, timeout=15)
    assert alive == []
