"""The inputs of one build, hashed once: data version, package code, locked environment, config."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from dprk_report import paths
from dprk_report.data.version import data_version, file_hash, text_hash, tree_hash
from dprk_report.pipeline.config import notebook_document
from dprk_report.pipeline.records import code_of

PACKAGE_SUFFIXES = (".py", ".j2", ".css", ".json")
#: Parts of the package a page never runs: editing them leaves the published pages current.
NOT_RUN_BY_PAGES = ("curation", "release", "testing", "cli.py", "cli_from_make.py", "__main__.py")


def package_hash() -> str:
    """Hash of the package code the pages run (everything but the curation and release commands, test helpers
    and CLI)."""
    files = [
        p
        for p in paths.PACKAGE_DIR.rglob("*")
        if p.suffix in PACKAGE_SUFFIXES
        and p.is_file()
        and "__pycache__" not in p.parts
        and p.relative_to(paths.PACKAGE_DIR).parts[0] not in NOT_RUN_BY_PAGES
    ]
    return tree_hash(files, paths.PACKAGE_DIR)


class Fingerprints:
    """The shared inputs of one build, hashed once."""

    def __init__(self, config_path: Path):
        self.data = data_version()
        self.package = package_hash()
        self.lock = file_hash(paths.LOCK_FILE)
        self.config = file_hash(config_path)
        self._notebooks: dict[Path, tuple[str, str]] = {}

    def notebook(self, source: Path) -> tuple[str, str]:
        """A notebook's hash and the hash of its code (``code_of``), read once for all its parameter sets."""
        if source not in self._notebooks:
            document = source.read_bytes()
            code = code_of(notebook_document(source, document))
            self._notebooks[source] = (hashlib.sha256(document).hexdigest(), text_hash(code))
        return self._notebooks[source]

    def page_inputs(self, page) -> dict[str, str]:
        notebook, code = self.notebook(page.source)
        return {
            "notebook": notebook,
            "code": code,
            # What the page shows besides its notebook: its parameter set's title, its neighbours' headings.
            "context": text_hash(json.dumps([page.variant_title, page.previous, page.next], ensure_ascii=False)),
            "parameters": text_hash(page.parameters_json()),
            "data": self.data,
            "package": self.package,
            "lock": self.lock,
        }
