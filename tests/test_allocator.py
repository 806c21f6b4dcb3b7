"""The build's processes hand large freed blocks back to the system (``pipeline.allocator``): glibc would
otherwise serve them from its heap once a larger block had been freed, and keep their memory."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest

from dprk_report.pipeline.allocator import glibc
from dprk_report.pipeline.kernel import ReusedKernel
from dprk_report.pipeline.kernel_state import ALLOCATOR_SETUP, PRELOAD

if not glibc() or not hasattr(ctypes.CDLL(None), "mallinfo2"):  # glibc 2.33 or later: Debian's
    pytest.skip("needs glibc's mallinfo2 to count mapped blocks", allow_module_level=True)

#: Frees a 4 MiB block (glibc then raises its threshold to 4 MiB unless it is fixed), takes 1 MiB and
#: asserts whether that block was mapped on its own (EXPECTED_MAPPED, set before), i.e. whether freeing it
#: returns it to the system.
PROBE = """
import ctypes
_libc = ctypes.CDLL(None)
class _Info(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]
_libc.mallinfo2.restype = _Info
_libc.malloc.restype = ctypes.c_void_p
_libc.free.argtypes = (ctypes.c_void_p,)
_libc.free(_libc.malloc(4 << 20))
_before = _libc.mallinfo2().hblks
_block = _libc.malloc(1 << 20)
_mapped = _libc.mallinfo2().hblks - _before
_libc.free(_block)
assert _mapped == EXPECTED_MAPPED, f"blocks mapped: {_mapped}, expected {EXPECTED_MAPPED}"
del ctypes, _libc, _Info, _before, _block, _mapped, EXPECTED_MAPPED
"""


def _probe(expected_mapped: int) -> str:
    return f"EXPECTED_MAPPED = {expected_mapped}\n{PROBE}"


def _run(code: str) -> subprocess.CompletedProcess:
    """``code`` in a new Python process, without the settings of glibc's allocator the environment may hold."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_TUNABLES"))}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=environment)


def test_large_blocks_are_mapped_on_their_own_once_set():
    setting = "from dprk_report.pipeline.allocator import return_large_blocks\nassert return_large_blocks()\n"
    result = _run(setting + _probe(1))
    assert result.returncode == 0, result.stderr


def test_without_the_setting_a_large_block_comes_from_the_heap():
    """What the setting is for: in a process that does not set it, the block is not mapped on its own (and
    stays with the process when freed)."""
    result = _run(_probe(0))
    assert result.returncode == 0, result.stderr


def test_the_setup_that_starts_the_kernels_preload_hands_large_blocks_back():
    assert PRELOAD.startswith(ALLOCATOR_SETUP)  # set first, before the stack and the dataset are loaded
    kernel = ReusedKernel()
    try:
        kernel.run(ALLOCATOR_SETUP, leaves_names=False)
        kernel.run(_probe(1), leaves_names=False)
    finally:
        kernel.close()
