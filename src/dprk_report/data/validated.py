"""Validation results remembered while nothing they depend on changes.

A dataset that passed validation is recorded under ``build/validated/`` by a key that hashes the data
version (the tables and the archived articles they register) and the code that validates (this
subpackage, the text layer and the vocabularies). While the key is unchanged, the build, the notebook
kernels and the tests skip validating again; any change to a table, a cited article or a check makes a
new key, so everything is validated again.
"""

from __future__ import annotations

from pathlib import Path

from dprk_report import paths
from dprk_report.data.ids import register_files
from dprk_report.data.version import text_hash, tree_hash

#: The code whose rules decide validity.
_RULES = ("data", "text")
#: The folder of ``build/`` the records are kept in.
FOLDER = "validated"


def validation_key(version: str, data_dir: Path | None = None) -> str:
    """Hash of a data version (``data.version.data_version``, which the caller has already computed), of the
    register of published ids (``data.ids``) and of the code that validates them."""
    package = paths.PACKAGE_DIR
    rules = [p for folder in _RULES for p in (package / folder).rglob("*.py")] + [package / "vocab.py"]
    data = paths.data_dir(data_dir)
    register = tree_hash(register_files(data), data)
    return text_hash(version + register + tree_hash(rules, package))


def _marker(key: str) -> Path:
    return paths.BUILD_DIR / FOLDER / key


def known_valid(key: str) -> bool:
    """Whether a dataset with this key already passed validation."""
    return _marker(key).is_file()


def remember_valid(key: str) -> None:
    """Record that the dataset with this key passed validation (best effort: a read-only tree just forgets)."""
    try:
        _marker(key).parent.mkdir(parents=True, exist_ok=True)
        _marker(key).write_text("valid\n", encoding="utf-8")
    except OSError:
        pass
