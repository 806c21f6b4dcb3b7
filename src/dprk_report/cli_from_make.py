"""``make add-source FILE=... ARGS=...`` and ``make accept FILE=...``: the command line from make's variables.

make passes ``FILE`` and ``ARGS`` in the environment; they become arguments here without a shell ever
reading them, so a value with spaces, quotes or ``;`` is a file name or an option value, never a command.
"""

from __future__ import annotations

import os
import shlex
import sys

from dprk_report.cli import main


def command_line(command: str, environ: dict[str, str]) -> list[str]:
    """``[command, FILE, *ARGS]`` from make's variables; raises ``ValueError`` naming what is missing."""
    file = environ.get("FILE", "")
    if not file:
        raise ValueError(f"give the file: make {command} FILE=path/to/file")
    try:
        extra = shlex.split(environ.get("ARGS", ""))
    except ValueError as error:
        raise ValueError(f"ARGS cannot be read as command-line words ({error})") from None
    return [command, file, *extra]


if __name__ == "__main__":
    try:
        arguments = command_line(sys.argv[1], dict(os.environ))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(arguments))
