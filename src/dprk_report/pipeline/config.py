"""``report.toml``: which notebooks to publish, with which parameter sets."""

from __future__ import annotations

import ast
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from dprk_report import paths

_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
#: A notebook is named by its file name in notebooks/ without ".ipynb" ("02-chart-statement-cadence").
_NOTEBOOK = re.compile(r"[0-9]{2}-[a-z0-9][a-z0-9-]*")
#: The settings report.toml may hold, at the top and in each [[variant]]; any other key is a mistake.
TOP_KEYS = {"title", "description", "notebooks", "cell_timeout_seconds", "limitations", "stale_after_days", "variant"}
#: Default of ``stale_after_days``: the newest estimate older than this is an alarm on the index and in the
#: scheduled job (The Economist's estimates stop their update after three months without a new one).
STALE_AFTER_DAYS = 90
VARIANT_KEYS = {"name", "title", "parameters"}


class ConfigError(ValueError):
    """``report.toml`` asks for something the report cannot build."""


@dataclass(frozen=True)
class Page:
    """One notebook run with one parameter set: an executed notebook, an HTML page and its figures."""

    variant: str
    variant_title: str
    notebook: str
    parameters: dict
    #: The pages before and after this one in the same parameter set: (notebook name, its heading).
    previous: tuple[str, str] | None = None
    next: tuple[str, str] | None = None

    @property
    def key(self) -> str:
        return f"{self.variant}/{self.notebook}"

    @property
    def source(self) -> Path:
        return paths.NOTEBOOKS_DIR / f"{self.notebook}.ipynb"

    @property
    def record(self) -> str:
        """Executed notebook, relative to the output root."""
        return f"report/{self.variant}/{self.notebook}.ipynb"

    @property
    def html(self) -> str:
        return f"report/{self.variant}/{self.notebook}.html"

    @property
    def figures_dir(self) -> str:
        return f"figures/{self.variant}"

    @property
    def thumbnail(self) -> str:
        """A small picture of the page's first chart, for the index."""
        return f"report/{self.variant}/{self.notebook}-thumbnail.png"

    @property
    def figure_prefix(self) -> str:
        return f"{self.figures_dir}/{self.notebook[:2]}-"

    def parameters_json(self) -> str:
        return json.dumps(self.parameters, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class ReportConfig:
    title: str
    description: str
    cell_timeout: int
    pages: list[Page] = field(default_factory=list)
    limitations: tuple[str, ...] = ()
    path: Path = paths.REPORT_CONFIG
    stale_after_days: int = STALE_AFTER_DAYS

    @property
    def variants(self) -> dict[str, str]:
        """Variant names and titles, in config order."""
        return {page.variant: page.variant_title for page in self.pages}


def notebook_document(path: Path, contents: bytes | None = None) -> dict:
    """A notebook's JSON (from ``contents`` when it was read already); raises ``ConfigError`` naming the file
    when it is not a notebook (a save cut short, a merge conflict left in it)."""
    try:
        document = json.loads(path.read_bytes() if contents is None else contents)
        cells = document.get("cells") if isinstance(document, dict) else None
        if not isinstance(cells, list) or not all(isinstance(cell, dict) and "source" in cell for cell in cells):
            raise ValueError("it has no list of cells, each with its source")
    except ValueError as error:  # not UTF-8, not JSON, not a notebook
        raise ConfigError(f"{paths.shown(path)} is not a notebook that can be read ({error})") from None
    return document


def declared_parameters(notebook: Path) -> dict[str, object]:
    """The names and default values assigned in the notebook's ``parameters`` cell.

    Read from the JSON directly: planning a build must not import papermill.
    """
    cells = notebook_document(notebook)["cells"]
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return _defaults("".join(cell["source"]), notebook.name)
    raise ConfigError(f"{notebook.name}: no cell tagged 'parameters'")


def _defaults(source: str, name: str) -> dict[str, object]:
    try:
        tree = ast.parse(source)
        return {
            node.target.id if isinstance(node, ast.AnnAssign) else node.targets[0].id: ast.literal_eval(node.value)
            for node in tree.body
            if isinstance(node, (ast.Assign, ast.AnnAssign))
        }
    except (SyntaxError, ValueError, AttributeError) as error:
        raise ConfigError(f"{name}: the parameters cell must hold plain values only ({error})") from None


def load_config(path: Path | None = None) -> ReportConfig:
    """Read and check ``report.toml``; every problem raises :class:`ConfigError` naming the setting."""
    path = Path(path or paths.REPORT_CONFIG)
    where = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{where}: not found at {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{where}: not valid TOML ({error})") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{where}: not valid UTF-8 ({error.reason} at byte {error.start})") from None
    unknown = sorted(set(raw) - TOP_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(TOP_KEYS))})")
    notebooks = _notebooks(raw, where)
    variants = raw.get("variant") or []
    if not variants:
        raise ConfigError(f"{where}: no [[variant]] parameter set is listed")
    pages: list[Page] = []
    seen: set[str] = set()
    for number, variant in enumerate(variants, 1):
        pages += _variant_pages(variant, number, notebooks, seen, where)
    timeout = raw.get("cell_timeout_seconds", 600)
    if not isinstance(timeout, int) or timeout <= 0:
        raise ConfigError(f"{where}: cell_timeout_seconds {timeout!r} must be a positive whole number")
    stale_after = raw.get("stale_after_days", STALE_AFTER_DAYS)
    if not isinstance(stale_after, int) or isinstance(stale_after, bool) or stale_after <= 0:
        raise ConfigError(f"{where}: stale_after_days {stale_after!r} must be a positive whole number of days")
    return ReportConfig(
        str(raw.get("title", "Report")),
        str(raw.get("description", "")).strip(),
        timeout,
        pages,
        _limitations(raw, where),
        path,
        stale_after,
    )


def _limitations(raw: dict, where: str) -> tuple[str, ...]:
    """The index's limitations: a non-empty list of non-empty texts (a report without them misleads)."""
    items = raw.get("limitations")
    if not isinstance(items, list) or not items or not all(isinstance(i, str) and i.strip() for i in items):
        raise ConfigError(
            f"{where}: limitations must be a non-empty list of texts, set at the top of the file "
            "(before the first [[variant]], or TOML files it under that variant)"
        )
    return tuple(item.strip() for item in items)


def _notebooks(raw: dict, where: str) -> dict[str, dict[str, str]]:
    names = raw.get("notebooks")
    if not isinstance(names, list) or not names:
        raise ConfigError(f"{where}: notebooks must list at least one notebook name")
    found = {}
    for name in names:
        if not isinstance(name, str) or not _NOTEBOOK.fullmatch(name):
            raise ConfigError(
                f"{where}: notebooks: {name!r} is not a notebook name: give the file name of a notebook in "
                "notebooks/ without .ipynb, such as '02-chart-statement-cadence' (no folders, no paths)"
            )
        source = paths.NOTEBOOKS_DIR / f"{name}.ipynb"
        if not source.is_file():
            raise ConfigError(f"{where}: notebooks: {name!r} has no file {source.relative_to(paths.PROJECT_ROOT)}")
        found[name] = declared_parameters(source)
    return found


def _variant_pages(variant: dict, number: int, notebooks: dict, seen: set, where: str) -> list[Page]:
    name = variant.get("name")
    label = f"{where}: variant {name or number}"
    unknown = sorted(set(variant) - VARIANT_KEYS)
    if unknown:
        raise ConfigError(
            f"{label}: unknown setting {unknown[0]!r} (a variant holds {', '.join(sorted(VARIANT_KEYS))}; "
            "a setting written after a [[variant]] header belongs to that variant in TOML)"
        )
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ConfigError(f"{label}: name {name!r} must be lower-case letters, digits and dashes")
    if name in seen:
        raise ConfigError(f"{label}: name is used twice")
    seen.add(name)
    parameters = variant.get("parameters", {})
    if not isinstance(parameters, dict):
        raise ConfigError(f"{label}: parameters must be a table")
    if "figures_dir" in parameters:
        raise ConfigError(f"{label}: figures_dir is set by the build (figures/{name})")
    declared = set().union(*notebooks.values())
    unknown = sorted(set(parameters) - declared)
    if unknown:
        raise ConfigError(f"{label}: parameter {unknown[0]!r} is not declared by any notebook")
    pages = []
    order = list(notebooks)
    for position, (notebook, defaults) in enumerate(notebooks.items()):
        given = {k: v for k, v in parameters.items() if k in defaults} | {"figures_dir": f"figures/{name}"}
        _check_values(defaults | given, f"{label}, notebook {notebook}")
        neighbours = (_neighbour(order, position - 1), _neighbour(order, position + 1))
        pages.append(Page(name, str(variant.get("title", name)), notebook, given, *neighbours))
    return pages


def _neighbour(order: list[str], index: int) -> tuple[str, str] | None:
    """The notebook at ``index`` of ``order`` with its heading, or ``None`` past either end."""
    if not 0 <= index < len(order):
        return None
    return order[index], notebook_heading(paths.NOTEBOOKS_DIR / f"{order[index]}.ipynb")


def notebook_heading(notebook: Path) -> str:
    """The notebook's title: the first line of its first cell, without the '# ' (read from the JSON)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    first = "".join(cells[0]["source"]).splitlines()[0] if cells and cells[0]["source"] else notebook.stem
    return first.lstrip("# ").strip()


def _check_values(parameters: dict, label: str) -> None:
    """Run the notebooks' own parameter check on what the notebook will get (its defaults plus the
    variant's values), so that a bad value fails before any notebook starts."""
    from dprk_report.analysis.selection import ParameterError, validate_parameters

    checked = ("start_date", "end_date", "sides", "metrics")
    try:
        validate_parameters(**{k: v for k, v in parameters.items() if k in checked})
    except ParameterError as error:
        raise ConfigError(f"{label}: {error}") from None
