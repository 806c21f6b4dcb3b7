"""Several tables replaced at once: a process killed between two swaps leaves the old or the new dataset."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from dprk_report.data.tables import JOURNAL, complete_replace, read_rows, table_path, write_rows


def _new_tables(fake, folder):
    """The fake dataset with one more statement and its citation, written into ``folder``."""
    folder.mkdir()
    for table in ("statements", "citations"):
        header, rows = read_rows(table_path(fake.data, table))
        if table == "statements":
            rows.append({**rows[0], "statement_id": "ST900", "summary": "Added by the change."})
        else:
            rows.append({**rows[0], "citation_id": "C9000", "record_id": "ST900"})
        write_rows(table_path(folder, table), header, rows)
    return {table: table_path(folder, table) for table in ("statements", "citations")}


def _killed_between_swaps(fake, new_files) -> subprocess.CompletedProcess:
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from dprk_report.data.tables import replace_tables
        files = {{name: Path(path) for name, path in { ({k: str(v) for k, v in new_files.items()})!r}.items()}}
        replace_tables(Path({str(fake.data)!r}), files, between_swaps=lambda: os.kill(os.getpid(), signal.SIGKILL))
    """)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)


def test_a_replace_killed_between_two_swaps_is_completed_to_the_new_dataset(fake, tmp_path):
    new_files = _new_tables(fake, tmp_path / "new")
    result = _killed_between_swaps(fake, new_files)
    assert result.returncode == -9, result.stderr
    # Killed after the first swap: the citations are new, the statements still old (half a change) ...
    assert (fake.data / JOURNAL).is_file()
    assert "ST900" in table_path(fake.data, "citations").read_text()
    assert "ST900" not in table_path(fake.data, "statements").read_text()
    # ... which the next command that reads the tables completes before it reads them.
    complete_replace(fake.data)
    assert "ST900" in table_path(fake.data, "statements").read_text()
    assert not (fake.data / JOURNAL).exists() and not list(fake.data.glob(".*.new"))
    assert fake.validate().ok


def test_a_replace_killed_before_its_journal_leaves_the_old_dataset(fake, tmp_path):
    before = {path.name: path.read_bytes() for path in fake.data.glob("*.csv")}
    new_files = _new_tables(fake, tmp_path / "new")
    (fake.data / ".statements.csv.new").write_bytes(new_files["statements"].read_bytes())  # staged, no journal
    complete_replace(fake.data)
    assert {path.name: path.read_bytes() for path in fake.data.glob("*.csv")} == before
    assert not list(fake.data.glob(".*.new"))
    assert fake.validate().ok


def test_validation_completes_an_interrupted_replace_first(fake, tmp_path):
    new_files = _new_tables(fake, tmp_path / "new")
    assert _killed_between_swaps(fake, new_files).returncode == -9
    report = fake.validate()
    assert report.ok, report.problems
    assert report.counts["statements"] == 3
