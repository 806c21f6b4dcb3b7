"""Make an executed notebook a stable record (same code, data and parameters give the same bytes), carry a
record's outputs over to a notebook whose code is unchanged, and take from a record what the index shows of
its page: the title, the first finding and a thumbnail of the first chart."""

from __future__ import annotations

import copy
import json
from pathlib import Path

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


def code_of(document: dict) -> str:
    """What running a notebook gives, of the notebook itself (``document`` is its JSON): its metadata and
    its code cells with their ids and metadata, in order (the record and the page keep the ids). The text
    cells are left out: editing them changes no output."""
    code = [
        [cell.get("id"), _text(cell["source"]), cell.get("metadata", {})]
        for cell in document.get("cells", [])
        if cell.get("cell_type") == "code"
    ]
    return json.dumps([document.get("metadata", {}), document.get("nbformat_minor"), code], sort_keys=True)


class RecordMismatch(ValueError):
    """A record's code cells are not those of the notebook it is to be carried over to."""


def with_text_of(record, source):
    """``record`` (an executed notebook) with the text cells of ``source``: the notebook it was run from,
    edited since in its text cells only (``code_of`` unchanged). What running ``source`` again would give.

    The code cells, their outputs and papermill's injected parameters cell come from the record, the text
    cells from ``source``, in ``source``'s order. The result shares the record's metadata and code cells
    (both notebooks are read for this alone); ``source`` is left as it was.
    """
    runs: list[list] = [[]]  # the record's code cells, each with the injected cell that follows it
    for cell in record.cells:
        if cell.cell_type != "code":
            continue
        if INJECTED_TAG in cell.metadata.get("tags", []):
            runs[-1].append(cell)  # papermill puts it after the parameters cell, or first without one
        else:
            runs.append([cell])
    code = [cell for cell in source.cells if cell.cell_type == "code"]
    if [(run[0].get("id"), _text(run[0].source)) for run in runs[1:]] != [
        (cell.get("id"), _text(cell.source)) for cell in code
    ]:
        raise RecordMismatch("the record's code cells differ from the notebook's")
    cells, ran = list(runs[0]), iter(runs[1:])
    for cell in source.cells:
        if cell.cell_type == "code":
            cells += next(ran)
        else:
            text = copy.deepcopy(cell)
            text.metadata.setdefault("tags", [])  # as papermill's load_notebook_node gives every cell
            cells.append(text)
    merged = copy.copy(record)
    merged.cells = cells
    return merged


def _text(source: str | list[str]) -> str:
    """A cell's source as one string (notebook JSON may hold it as a list of lines)."""
    return "".join(source) if isinstance(source, list) else source


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


def first_chart(notebook) -> tuple[bytes, str] | None:
    """The first chart shown in the executed notebook: its PNG and its title, or ``None`` without one."""
    import base64

    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                title = data.get("text/plain", "").partition(": ")[2].strip()
                return base64.b64decode(data["image/png"]), title
    return None


#: Width of the index's thumbnails, in pixels (drawn at half that on the page, sharp on dense screens).
THUMBNAIL_WIDTH = 480
#: The tallest a thumbnail may be, as a share of its width: a tall chart shows its top (title, key, first panel).
THUMBNAIL_ASPECT = 0.62


def write_thumbnail(png: bytes, path: Path) -> None:
    """A small copy of a chart's PNG, with stable bytes (no metadata), for the index."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        # Cut to the top before converting: the whole of a tall chart converted took 34 MB at 100 times today's
        # data, in the build's own process.
        small = image.crop((0, 0, image.width, min(image.height, round(image.width * THUMBNAIL_ASPECT))))
        small = small.convert("RGB")
        small.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH * 4), Image.Resampling.LANCZOS)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Pillow's default compression: ``optimize`` made each thumbnail 1% smaller for four times the time to
        # write it (0.02 s a page, in the build's own process).
        small.save(path, format="PNG")
