"""What ``make bench`` hides of the project's ``build/`` from Ploomber's builds, so that each of the peer's builds
finds only what its own user would have: it is hidden during that build, and put back after in place of what the
peer's notebooks wrote there."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))  # the benchmark's scripts: not a package
import run as bench  # noqa: E402


@pytest.fixture
def project(tmp_path):
    """A project whose builds left a validation record, article hashes and parsed tables."""
    build = tmp_path / "build"
    (build / bench.validated.FOLDER).mkdir(parents=True)
    (build / bench.validated.FOLDER / "key").write_text("the project's")
    (build / "article-hashes.json").write_text("the project's")
    (build / bench.parsed_tables.FOLDER).mkdir()
    return SimpleNamespace(root=tmp_path)


def _files(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): path.read_text() for path in root.rglob("*") if path.is_file()}


def _peer_writes(build: Path) -> None:
    """What a peer's notebooks leave: validation records (of the same data version, and of another)."""
    (build / bench.validated.FOLDER).mkdir(parents=True, exist_ok=True)
    (build / bench.validated.FOLDER / "key").write_text("the peer's")
    (build / bench.validated.FOLDER / "other-key").write_text("the peer's")


RECORDS = {f"build/{bench.validated.FOLDER}/{key}" for key in ("key", "other-key")}


@pytest.mark.parametrize(
    ("hide", "seen", "kept_from_peer"),
    [
        pytest.param(bench.ALL_OF_BUILD, set(), set(), id="a cold build: nothing"),
        pytest.param(bench.NEW_DATA, {"build/article-hashes.json"}, set(), id="new data: the article hashes"),
        pytest.param(
            bench.ONLY_THE_PROJECT_KEEPS,
            {"build/article-hashes.json", f"build/{bench.validated.FOLDER}/key"},
            RECORDS,  # its own records, as its user's earlier builds would have left them
            id="otherwise: all but the parsed tables",
        ),
    ],
)
def test_the_peer_sees_only_what_its_user_would_have_and_the_project_gets_its_own_back(
    project, hide, seen, kept_from_peer
):
    before = _files(project.root)
    with bench.hidden_from_peer(project, hide):
        # Where the package looks (the hidden copies, named with a dot, are beside them)
        assert {name for name in _files(project.root) if not any(p.startswith(".") for p in name.split("/"))} == seen
        assert not (project.root / "build" / bench.parsed_tables.FOLDER).exists()
        _peer_writes(project.root / "build")
    assert _files(project.root) == before | {name: "the peer's" for name in kept_from_peer}
    assert (project.root / "build" / bench.parsed_tables.FOLDER).is_dir()


def test_what_the_peer_wrote_where_the_project_had_nothing_is_removed(project):
    """A part the project's builds had not made (here its validation records) is not left to its next build."""
    import shutil

    shutil.rmtree(project.root / "build" / bench.validated.FOLDER)
    before = _files(project.root)
    with bench.hidden_from_peer(project, bench.NEW_DATA):
        _peer_writes(project.root / "build")
    assert _files(project.root) == before


def test_a_peer_build_that_fails_still_gives_the_project_its_build_back(project):
    before = _files(project.root)
    with pytest.raises(RuntimeError), bench.hidden_from_peer(project, bench.ALL_OF_BUILD):
        _peer_writes(project.root / "build")
        raise RuntimeError("the peer's build failed")
    assert _files(project.root) == before
    assert not list(project.root.glob(".*-hidden"))
