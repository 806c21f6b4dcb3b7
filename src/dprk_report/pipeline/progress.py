"""Progress of a build: a live bar on a terminal, parseable ``key=value`` lines otherwise."""

from __future__ import annotations

import sys
import time


class Progress:
    """Reports pages as they finish; ``quiet`` or a non-terminal gives one log line per event."""

    def __init__(self, total: int, quiet: bool = False, stream=None):
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.bar = None
        if not quiet and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="page", file=self.stream, desc="building")

    def log(self, event: str, **fields) -> None:
        line = log_line(event, **fields)
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)

    def page_done(self, key: str, seconds: float, reused: bool = False) -> None:
        """``reused``: the page was re-rendered from its record, its outputs carried over (not run)."""
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(f"{key} {seconds:.1f}s" + (" (outputs reused)" if reused else ""))
            self.bar.update(1)
        else:
            how = {"outputs": "reused"} if reused else {}
            self.log("page_built", page=key, seconds=f"{seconds:.1f}", **how, done=self.done, total=self.total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def log(event: str, **fields) -> None:
    """Write one log line (``log_line``) to stderr, for steps that have no progress bar to write beside."""
    print(log_line(event, **fields), file=sys.stderr, flush=True)


def log_line(event: str, **fields) -> str:
    """One line: ``dprk-report event=... key=value ...`` (values with spaces are quoted)."""
    parts = [f"event={event}"] + [f"{k}={_value(v)}" for k, v in fields.items()]
    return "dprk-report " + " ".join(parts)


def _value(value) -> str:
    text = str(value)
    return f'"{text}"' if (" " in text or not text) else text
