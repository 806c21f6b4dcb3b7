"""The project's Jupyter kernel: its spec, installed into the project's own environment, a running kernel
reused from notebook to notebook, and kernels kept from build to build (``watch``).

JupyterLab, papermill, nbval and the build all name this kernel, so what runs
in the lab runs the same way in the build; the build starts it without ipykernel's debugger
(:class:`BuildKernelManager`) and without input history (:data:`NO_HISTORY`). It is installed under the
environment's prefix (``.venv/share/jupyter``), never in the user's folders.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from jupyter_client import AsyncKernelManager
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_core.utils import run_sync

from dprk_report import paths
from dprk_report.pipeline.kernel_state import PRELOAD, RESET, STACK_IMPORTS

KERNEL_NAME = "dprk-report"
#: The build's kernels keep no input history: IPython would write every cell of every page to its history
#: database (~/.ipython), a commit each, that no one reads. JupyterLab's kernels (the kernel spec) keep theirs.
NO_HISTORY = ["--HistoryManager.enabled=False"]
DISPLAY_NAME = "Python 3 (dprk-report)"
#: The module the build's kernels run (:class:`BuildKernelManager`).
BUILD_KERNEL = "dprk_report.pipeline.build_kernel"


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


class BuildKernelManager(AsyncKernelManager):
    """jupyter_client's kernel manager for the build's kernels: the kernel spec's command, with the module it runs,
    ``ipykernel_launcher``, replaced by :data:`BUILD_KERNEL` (the same kernel without ipykernel's debugger). A spec
    that runs another module is started as it is."""

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        return [
            BUILD_KERNEL if part == "ipykernel_launcher" and command[at - 1] == "-m" else part
            for at, part in enumerate(command)
        ]


class ReadyClient(AsyncKernelClient):
    """jupyter_client's kernel client, ready as soon as the kernel has answered on the shell channel and IOPub
    has delivered a message.

    jupyter_client's ``wait_for_ready`` then reads IOPub until nothing has come for 0.2 s, to drop the
    status messages of its own ``kernel_info`` request: a fixed 0.2 s each time papermill starts a page. Left
    unread, those messages reach the page's client, which reads only what answers its own requests.
    """

    async def _wait_until_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (math.inf if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except queue.Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.2)  # IOPub is connected: the kernel said it is busy
                except queue.Empty:
                    pass  # not connected yet: ask again
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    wait_for_ready = _wait_until_ready


class ReusedKernel:
    """One project kernel that runs notebook after notebook: its namespace is cleared before each
    (``%reset``), while the modules it imported stay loaded, so only the first notebook pays for
    starting it and importing pandas and matplotlib. Pass ``manager()`` to papermill as ``km``.

    The kernel manager is asynchronous because papermill's client is: its cell
    timeout only fires while the client's event loop can run.
    """

    def __init__(self, preload: str = PRELOAD):
        #: Code run once in each kernel process before its first notebook (:meth:`load`): by default the
        #: pages' (``kernel_state.PRELOAD``).
        self.preload = preload
        #: Whether ``preload`` ran in the running process.
        self.loaded = False
        self.kernel: AsyncKernelManager | None = None
        self.sockets: str | None = None
        #: Code sent and not yet answered (a namespace clearing, :meth:`begin_reset`, or the stack's imports,
        #: :meth:`begin_imports`), leaving no name: its client and request id. What next uses the kernel waits for
        #: it first.
        self.pending: tuple | None = None
        #: Whether code may have left names in the namespace since it was last cleared (or the kernel started).
        self.used = False
        #: What the kernel's process gets on top of this process's environment: see :meth:`use_environment`.
        self.environment: dict[str, str] = {}
        #: Set by :meth:`stop`: the build was interrupted, and no kernel process starts any more.
        self.interrupted = False
        #: When the running process was launched (``time.monotonic``), None before: how long a kernel takes to
        #: start counts from then, also for one started before the build needed it (:class:`EarlyKernels`).
        self.launched: float | None = None

    def manager(self) -> AsyncKernelManager:
        """The running kernel's manager (started first when there is none or it died), to run a notebook in:
        its namespace counts as used from now on."""
        manager = self._running()
        self.used = True
        return manager

    def running(self) -> bool:
        """Whether the kernel's process is running."""
        return self.kernel is not None and run_sync(self.kernel.is_alive)()

    def stop(self) -> None:
        """Kill the kernel's processes now, from any thread, and start no other (the build was interrupted).

        What the kernel runs ends at once rather than when its cell does (up to the cell timeout): the thread
        waiting on it sees the kernel die within a second (papermill's client and :meth:`_reply` check it that
        often) and stops. :meth:`close` still tidies up after it.
        """
        self.interrupted = True
        provisioner = getattr(self.kernel, "provisioner", None)
        group = getattr(provisioner, "pgid", None)  # the kernel leads a process group of its own
        process = getattr(provisioner, "process", None)
        # Only while the kernel's process is not yet reaped: until then its id, which is the group's, cannot be
        # given to another process; after, the id may already name someone else's group. The trade-off: a
        # kernel that died by itself and was reaped leaves any process it started (a cell's subprocess) running.
        if group and process is not None and process.returncode is None:
            with contextlib.suppress(OSError):  # ended already
                os.killpg(group, signal.SIGKILL)

    def _end_process(self) -> None:
        """Kill the kernel's process group and reap the kernel, waiting no longer than it takes to end; once
        it is reaped, keep jupyter_client from signalling its group.

        jupyter_client's ``shutdown_kernel(now=True)`` kills it too, but then polls every 0.1 s until it has
        ended: 0.1 s at the end of every build, for a kernel that ends within milliseconds of the signal. And
        it signals the kernel's group even when the kernel was reaped already (a kernel that died, found dead
        by a poll): by then the id may name another process's group, as :meth:`stop` says."""
        provisioner = getattr(self.kernel, "provisioner", None)
        process = getattr(provisioner, "process", None)
        if process is None:
            return  # never started, or shut down already
        if process.returncode is None:
            group = getattr(provisioner, "pgid", None)
            try:
                if group:
                    os.killpg(group, signal.SIGKILL)  # what its code started ends with it
                else:
                    process.kill()
            except OSError:
                pass  # ended meanwhile
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                return  # jupyter_client's shutdown kills it again and waits up to 5 s more
        # Reaped: with no group id, jupyter_client signals only the process, which does nothing once reaped.
        provisioner.pgid = None

    def _running(self) -> AsyncKernelManager:
        if self.interrupted:
            self._drop_pending()  # sent to a killed kernel: no answer will come
            raise RuntimeError("the build was interrupted: no kernel starts")
        if not self.running():
            self.close()
            # Sockets in a folder of its own rather than TCP ports: a port is picked free, released, then
            # bound by the kernel seconds later, and on a busy machine running many kernels another socket
            # can take it in between, so that the kernel dies at start.
            self.sockets = tempfile.mkdtemp(prefix="dprk-report-kernel-")
            # The kernel gets this process's environment and self.environment (use_environment).
            self.kernel = BuildKernelManager(
                kernel_name=KERNEL_NAME,
                transport="ipc",
                ip=os.path.join(self.sockets, "kernel"),
                client_class=f"{__name__}.ReadyClient",
            )
            self.launched = time.monotonic()
            try:
                run_sync(self.kernel.start_kernel)(
                    cwd=str(paths.NOTEBOOKS_DIR),
                    env=os.environ | self.environment,
                    extra_arguments=NO_HISTORY,
                )
            except BaseException:
                self.close()  # no socket folder or half-started process left behind
                raise
            if self.interrupted:  # stop() ran while it started, perhaps before it had a process to kill
                self.stop()
                raise RuntimeError("the build was interrupted: no kernel starts")
            self.used = self.loaded = False
        return self.kernel

    def use_environment(self, environment: dict[str, str]) -> None:
        """Give the kernel ``environment`` on top of this process's (for the build: where figures go, the data
        version it validates): when it starts, and at once when it is running already (a kernel kept from an
        earlier build, see :class:`KeptKernels`)."""
        self.environment = dict(environment)
        if self.running():
            code = f"__import__('os').environ.update({self.environment!r})"  # makes no name
            self.run(code, leaves_names=False)

    def load(self) -> None:
        """Run ``preload`` in the kernel (starting it if needed), unless it ran in this kernel process already."""
        if self.preload and not self.loaded:  # reset whenever a kernel process starts or is shut down
            self.run(self.preload, leaves_names=False)
            self.loaded = True

    def start(self) -> None:
        """Start the kernel now (it takes about a second to boot), without using its namespace."""
        self._running()

    def begin_imports(self) -> None:
        """Start importing the modules every page imports (``kernel_state.STACK_IMPORTS``; the kernel is started
        first if needed) and return at once: the kernel imports them as soon as it has booted, while the build
        process plans and imports the page machinery, rather than waiting for the build's first request. Only
        for a kernel running the pages (``preload`` is theirs), and before anything else is sent to it."""
        if self.preload == PRELOAD and self.pending is None and not self.loaded and not self.used:
            self.pending = self._send(STACK_IMPORTS)

    def reset(self) -> None:
        """Clear the namespace, so that no variable survives from the previous notebook (waiting for the
        clearing :meth:`begin_reset` started, or the imports :meth:`begin_imports` did, if any). A namespace
        nothing has used is left as it is: the clearing is a garbage collection of everything loaded, a quarter
        of a second."""
        if self.pending is not None:  # a clearing begun, or the imports: waited for first
            # A kernel that died or whose code failed is shut down by _finish: the next one starts empty.
            with contextlib.suppress(RuntimeError):
                self._finish(*self.pending)
        if self.used and self.kernel is not None:  # what was pending was not a clearing, or nothing was
            self.begin_reset()
            with contextlib.suppress(RuntimeError):
                self._finish(*self.pending)

    def begin_reset(self) -> None:
        """Start clearing the namespace and return at once: the kernel clears it (about 0.25 s, a garbage
        collection of everything the last notebook made) and puts back the process state saved by ``preload``
        (``kernel_state``), while the build writes that notebook's page."""
        if self.pending is None:
            self.pending = self._send(RESET)
            self.used = False

    def run(self, code: str, timeout: float = 120, leaves_names: bool = True, task: str = "kernel set-up") -> None:
        """Run ``code`` in the kernel (starting it first if needed); raise when it fails, the error starting
        with what failed (``task``). Code that deletes the names it made (``leaves_names=False``) leaves the
        namespace unused."""
        if self.pending is not None:
            self.reset()
        request = self._send(code)  # starts the kernel first if needed, with its namespace unused
        self.used = self.used or leaves_names
        self._finish(*request, timeout=timeout, task=task)

    def _send(self, code: str) -> tuple:
        """Ask the kernel to run ``code``; returns the client and the request's id.

        Only the shell channel is used: the request waits in its queue until the kernel takes it, and the
        reply says how the code ended, so there is no need to wait for the kernel to announce itself on
        IOPub first (a fixed 0.2 s, see :class:`ReadyClient`).
        """
        client = self._running().blocking_client()
        client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        return client, client.execute(code, silent=True, store_history=False)

    def _finish(self, client, request: str, timeout: float = 120, task: str = "kernel set-up") -> None:
        """Wait for the reply to ``request``; raise when the code failed, took too long or the kernel died.

        A kernel whose code did not end well is shut down: it may have left names behind (a preload stopped
        half-way) or still be running, and the next use starts a fresh one.
        """
        self.pending = None
        try:
            content = self._reply(client, request, timeout, task)["content"]
            if content["status"] != "ok":
                raise RuntimeError(f"{task} failed: {content.get('ename', '')}: {content.get('evalue', '')}")
        except BaseException:
            self.close()
            raise
        finally:
            client.stop_channels()

    def _reply(self, client, request: str, timeout: float, task: str) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            try:
                reply = client.get_shell_msg(timeout=1)
            except queue.Empty:
                if not self.running():
                    raise RuntimeError(f"{task} failed: the kernel died") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{task} failed: no reply in {timeout:.0f} s") from None
                continue
            if reply["parent_header"].get("msg_id") == request:
                return reply

    def remove_files(self) -> None:
        """Remove the kernel's socket folder and connection file now, without shutting it down: for a process
        about to end at once (a second Ctrl-C), whose kernels are killed (:meth:`stop`) or end with it."""
        if self.sockets is not None:
            shutil.rmtree(self.sockets, ignore_errors=True)
        connection = getattr(self.kernel, "connection_file", None)
        if connection:
            with contextlib.suppress(OSError):
                os.unlink(connection)

    def _drop_pending(self) -> None:
        """Close the client of the code sent and not answered, if any, not waiting for the answer. A client left
        open keeps its sockets, and the garbage collector, destroying them later, can wait for them forever."""
        if self.pending is not None:
            self.pending[0].stop_channels()
            self.pending = None

    def close(self) -> None:
        self._drop_pending()
        if self.kernel is not None:
            self._end_process()
            run_sync(self.kernel.shutdown_kernel)(now=True)  # its connection file and sockets, and the process if left
            self.kernel = None
            self.loaded = False
            self.launched = None
        if self.sockets is not None:
            shutil.rmtree(self.sockets, ignore_errors=True)
            self.sockets = None


class KeptKernels:
    """Kernels kept running from one build to the next (``watch``): a build takes one for each of its threads
    and gives them back when it ends, so that the next build's pages find the stack and the dataset loaded.

    A kernel taken may have died since, or been shut down after a failed page: it starts again when used.
    """

    def __init__(self):
        self.idle: list[ReusedKernel] = []
        self.lock = threading.Lock()

    def take(self) -> ReusedKernel:
        """A kept kernel (the one given back last), or a new one, not started, when none is left."""
        with self.lock:
            return self.idle.pop() if self.idle else ReusedKernel()

    def to_start(self, count: int) -> list[ReusedKernel]:
        """The kernels to start so that ``count`` are running: those kept that are not (shut down after a failed
        page, or dead), then new ones. They are taken: give them back once started."""
        with self.lock:
            running = [kernel for kernel in self.idle if kernel.running()]
            stopped = [kernel for kernel in self.idle if kernel not in running]
            wanted = max(0, count - len(running))
            taken = (stopped + [ReusedKernel() for _ in range(wanted - len(stopped))])[:wanted]
            self.idle = running + [kernel for kernel in stopped if kernel not in taken]
            return taken

    def give_back(self, kernel: ReusedKernel) -> None:
        """Keep ``kernel`` (running or not) for the next build."""
        with self.lock:
            self.idle.append(kernel)

    def close(self) -> None:
        """Shut every kept kernel down."""
        with self.lock:
            kernels, self.idle = self.idle, []
        for kernel in kernels:
            kernel.close()


class EarlyKernels:
    """Kernels started before the build has planned, for a build that will run every page (none was published
    yet, or the rebuild is forced): they boot while the build hashes its inputs and plans, instead of after
    (at 100 times today's data, kernels launched 0.4 s after the build started; cold builds 0.15 s faster).

    Used as a context manager: the kernels are launched, one after the other, in a thread of their own on
    entry, and those the build did not take are shut down on exit, however the build ended. The build takes
    them one by one (:meth:`take`) and treats them as the kernels it starts itself.
    """

    def __init__(self, count: int):
        self.waiting = [ReusedKernel() for _ in range(count)]
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._start, name="early-kernels", daemon=True)

    def __enter__(self) -> EarlyKernels:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _start(self) -> None:
        for kernel in list(self.waiting):
            # A kernel that would not start is started again when the build uses it, and fails there with its
            # cause; one stopped meanwhile (keep, close, stop) refuses to start.
            with contextlib.suppress(Exception):
                kernel.start()
                kernel.begin_imports()

    def take(self) -> ReusedKernel:
        """A kernel started early (once every one has been launched), or a new one, not started, when none is
        left."""
        self.thread.join()
        with self.lock:
            return self.waiting.pop(0) if self.waiting else ReusedKernel()

    def keep(self, count: int) -> None:
        """Shut down the kernels beyond the first ``count`` not taken yet: the build needs no more."""
        with self.lock:
            extra = self.waiting[count:]
        self._shut(extra)

    def stop(self) -> None:
        """Kill the kernels not taken yet, now, and start none of them any more (from any thread or a signal
        handler: the build was interrupted)."""
        for kernel in list(self.waiting):
            kernel.stop()

    def remove_files(self) -> None:
        """Remove the files of the kernels not taken yet (from a signal handler, before the process quits)."""
        for kernel in list(self.waiting):
            kernel.remove_files()

    def close(self) -> None:
        """Shut down the kernels not taken."""
        with self.lock:
            left = list(self.waiting)
        self._shut(left)

    def _shut(self, kernels: list[ReusedKernel]) -> None:
        # Each is forgotten only once shut: those an interrupt left are still shut by close.
        for kernel in kernels:
            kernel.stop()  # one still being launched is killed once it has a process
        self.thread.join()
        for kernel in kernels:
            with contextlib.suppress(Exception):  # shut down at best: its process was killed above
                kernel.close()
            with self.lock:
                if kernel in self.waiting:
                    self.waiting.remove(kernel)


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
