"""What a build tells whoever ran it: its exit status, and messages for a person, a line each on stderr.

The build (``build``), the command that plans and starts it (``runner``), ``watch`` and the scheduled job
all speak through these, so that a status means the same wherever a build ends.
"""

from __future__ import annotations

import sys

EXIT_OK, EXIT_FAILED, EXIT_BUSY = 0, 1, 3
#: Exit status of a build stopped by Ctrl-C (the shell's convention for SIGINT).
EXIT_INTERRUPTED = 130


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
