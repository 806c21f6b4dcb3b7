"""What is stale: compare the current inputs with those recorded in ``report/manifest.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from dprk_report import paths
from dprk_report.data.version import file_hash, text_hash
from dprk_report.pipeline.config import Page, ReportConfig
from dprk_report.pipeline.fingerprint import Fingerprints

MANIFEST = "report/manifest.json"
INDEX = "report/index.html"

#: Inputs of what a page computes: a change runs its notebook again.
RUN_INPUTS = {
    "code": "the notebook's code changed",
    "parameters": "its parameters changed",
    "data": "the data or the archive changed",
    "package": "the package code changed",
    "lock": "the locked environment changed",
}
#: Inputs of what a page only shows: a change alone re-renders it from its record, whose outputs stand.
TEXT_INPUTS = {
    "notebook": "the notebook's text changed",
    "context": "its parameter set's title or a neighbouring page's heading changed",
}


def read_manifest(root: Path) -> dict:
    """The published manifest, or an empty one when there is none (or it is unreadable)."""
    try:
        manifest = json.loads((Path(root) / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {"pages": {}, "index": {}}
    manifest.setdefault("pages", {})
    manifest.setdefault("index", {})
    return manifest


def output_problem(outputs: dict[str, str], root: Path) -> str | None:
    """Why the recorded outputs are not what is on disk, or ``None`` when they all match."""
    for relative, digest in sorted(outputs.items()):
        path = Path(root) / relative
        if not path.is_file():
            return f"{relative} is missing"
        if file_hash(path) != digest:
            return f"{relative} was modified after the build"
    return None


def page_reason(page: Page, inputs: dict[str, str], recorded: dict | None, root: Path) -> tuple[str, bool] | None:
    """Why ``page`` must be rebuilt, and whether only its text must (its record's outputs stand); ``None``
    when its published outputs are current."""
    if recorded is None:
        return "not built yet", False
    before = recorded.get("inputs", {})
    changed = [reason for name, reason in RUN_INPUTS.items() if before.get(name) != inputs[name]]
    if changed:
        return ", ".join(changed), False
    problem = output_problem(recorded.get("outputs", {}), root)
    if problem:
        return problem, False
    changed = [reason for name, reason in TEXT_INPUTS.items() if before.get(name) != inputs[name]]
    if changed:
        return ", ".join(changed) + " (its outputs are reused)", True
    return None


def index_inputs(config: ReportConfig, fingerprints: Fingerprints, pages: dict[str, dict]) -> dict[str, str]:
    """The index shows the config, the data (and offers it, with its codebook, as downloads), each page's
    title, finding and first chart, and the release the data are (with the changelog page)."""
    summary = json.dumps(
        {key: [entry.get("title"), entry.get("finding"), entry.get("chart")] for key, entry in sorted(pages.items())},
        ensure_ascii=False,
        sort_keys=True,
    )
    return index_parts_inputs(config, fingerprints) | {"pages": text_hash(summary)}


def index_parts_inputs(config: ReportConfig, fingerprints: Fingerprints) -> dict[str, str]:
    """What the index shows besides its list of pages, and the files beside it, are made from
    (``kernel_jobs.index_parts``)."""
    data_dir = paths.data_dir()
    return {
        "config": fingerprints.config,
        "data": fingerprints.data,
        "package": fingerprints.package,
        "codebook": file_hash(paths.codebook(data_dir)),
        # The release list, the changelog and the citation: shown on the index and the changelog page.
        "releases": text_hash("".join(file_hash(path) if path.is_file() else "-" for path in release_files(data_dir))),
    }


def release_files(data_dir: Path) -> list[Path]:
    from dprk_report.data.releases import changelog_path, releases_path

    return [releases_path(data_dir), changelog_path(data_dir), paths.CITATION]


@dataclass
class Plan:
    """Pages to rebuild (with the reason), pages to drop, and whether the index is stale."""

    stale: list[tuple[Page, str]] = field(default_factory=list)
    #: Keys of the stale pages re-rendered from their records, whose outputs stand (see ``TEXT_INPUTS``).
    outputs_reused: set[str] = field(default_factory=set)
    removed: list[str] = field(default_factory=list)
    index_reason: str | None = None
    inputs: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def up_to_date(self) -> bool:
        return not self.stale and not self.removed and self.index_reason is None

    def reasons(self) -> list[str]:
        lines = [f"{page.key}: {reason}" for page, reason in self.stale]
        lines += [f"{key}: no longer in report.toml" for key in self.removed]
        if self.index_reason:
            lines.append(f"index: {self.index_reason}")
        return lines


@dataclass(frozen=True)
class PlannedBuild:
    """A plan with what it was made from: made before the build lock is taken, and used under it while it
    stands (``build.plan_stands``), so that the inputs are not hashed twice."""

    fingerprints: Fingerprints
    #: The published manifest as the plan read it.
    manifest: dict
    plan: Plan


def make_plan(
    config: ReportConfig, fingerprints: Fingerprints, manifest: dict, root: Path, force: bool = False
) -> Plan:
    plan = Plan()
    recorded_pages = manifest.get("pages", {})
    for page in config.pages:
        inputs = fingerprints.page_inputs(page)
        plan.inputs[page.key] = inputs
        status = ("rebuild forced", False) if force else page_reason(page, inputs, recorded_pages.get(page.key), root)
        if status:
            plan.stale.append((page, status[0]))
            if status[1]:
                plan.outputs_reused.add(page.key)
    configured = {page.key for page in config.pages}
    plan.removed = sorted(set(recorded_pages) - configured)
    plan.index_reason = _index_reason(config, fingerprints, manifest, root, plan)
    return plan


def _index_reason(config, fingerprints, manifest, root, plan: Plan) -> str | None:
    if plan.stale or plan.removed:
        return None  # rebuilt anyway once the pages are
    recorded = manifest.get("index", {})
    if not recorded:
        return "not built yet"
    if recorded.get("inputs") != index_inputs(config, fingerprints, manifest.get("pages", {})):
        return "report.toml, the data or the package changed"
    return output_problem(recorded.get("outputs", {}), root)
