"""How the build's processes hand freed memory back to the system: large blocks at once.

glibc's ``malloc`` maps a block of 128 KiB or more on its own and unmaps it when freed, but each time such a
block is freed it raises that threshold to the block's size (up to 32 MiB). Once a page has freed its first
large arrays, later ones come from the heap instead, whose freed memory the process keeps. Fixing the
threshold (``mallopt(M_MMAP_THRESHOLD)``, which also stops it moving) returns them, for the same CPU time:
at 100x the real data, the build's whole process tree peaks some 40 MB lower.
"""

from __future__ import annotations

import ctypes
import os

#: ``mallopt``'s parameter number for the threshold, in glibc's ``malloc.h`` (other C libraries number
#: theirs otherwise: only glibc is told).
M_MMAP_THRESHOLD = -3
#: glibc's default threshold, kept fixed.
LARGE_BLOCK = 128 * 1024


def glibc() -> bool:
    """Whether this process runs on glibc."""
    try:
        return bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError, AttributeError):  # another C library, or a system without confstr
        return False


def return_large_blocks() -> bool:
    """Have this process's ``malloc`` map every block of :data:`LARGE_BLOCK` or more on its own, so that it
    goes back to the system when freed. Whether it could (no: another C library than glibc)."""
    if not glibc():
        return False
    mallopt = ctypes.CDLL(None).mallopt
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK))
