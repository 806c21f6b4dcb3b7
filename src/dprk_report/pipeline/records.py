"""Make an executed notebook a stable record: same code, data and parameters give the same bytes."""

from __future__ import annotations

#: Run-specific keys papermill and nbclient write into notebook and cell metadata.
VOLATILE_NOTEBOOK_KEYS = ("start_time", "end_time", "duration", "exception")
INJECTED_TAG = "injected-parameters"


def normalise_record(notebook, source: str, output: str) -> None:
    """Strip timings and run-specific paths, and give papermill's injected cell a fixed id (in place)."""
    papermill = notebook.metadata.get("papermill", {})
    for key in VOLATILE_NOTEBOOK_KEYS:
        papermill.pop(key, None)
    papermill["input_path"] = source
    papermill["output_path"] = output
    count = 0
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if INJECTED_TAG in cell.metadata.get("tags", []):
            cell.id = INJECTED_TAG
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            # Counted from 1 as in a fresh kernel: the build reuses kernels between notebooks.
            count += 1
            cell.execution_count = count
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = count


def page_title(notebook) -> str:
    """The notebook's first Markdown heading, without the '#'."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            return cell.source.splitlines()[0][2:].strip()
    return ""


def first_finding(notebook) -> str:
    """The first bullet shown under the notebook's 'Findings' heading."""
    after_heading = False
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            after_heading = cell.source.strip().lower().startswith("## findings")
            continue
        if after_heading:
            for output in cell.get("outputs", []):
                text = output.get("data", {}).get("text/plain", "")
                if text:
                    return text.splitlines()[0].removeprefix("- ").strip()
    return ""
