"""The git commands a release needs, each failing with one clear message."""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(RuntimeError):
    """A git command failed, or the project is not in a git work tree."""


def git(root: Path, *args: str) -> str:
    """Run ``git ARGS`` in ``root`` and return its output; raise :class:`GitError` with git's own words."""
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed; a release is committed and tagged in git") from None
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {said[-1] if said else f'exit status {done.returncode}'}")
    return done.stdout


def require_work_tree(root: Path) -> None:
    try:
        git(root, "rev-parse", "--is-inside-work-tree")
    except GitError:
        raise GitError(f"{root} is not a git work tree; a release is committed and tagged in git") from None


def changed_paths(root: Path) -> list[str]:
    """Paths with uncommitted changes or untracked (not ignored), relative to ``root``."""
    output = git(root, "status", "--porcelain", "--untracked-files=all", "--", ".")
    return [line[3:].split(" -> ")[-1].strip('"') for line in output.splitlines() if line.strip()]


def show(root: Path, commit: str, path: str) -> str | None:
    """A file's text at ``commit`` (``None`` when it did not exist there)."""
    try:
        return git(root, "show", f"{commit}:{path}")
    except GitError:
        return None


def tag_commit(root: Path, tag: str) -> str | None:
    try:
        return git(root, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}").strip() or None
    except GitError:
        return None


def commit_adding_line(root: Path, path: str, line_start: str) -> str | None:
    """The newest commit whose change to ``path`` added a line starting with ``line_start``."""
    pattern = "^" + "".join("\\" + c if c in ".^$*+?()[]{}|\\" else c for c in line_start)
    output = git(root, "log", "-1", "--format=%H", "-G", pattern, "--", path).strip()
    return output or None


def commit_files(root: Path, paths: list[str], message: str) -> str:
    """Commit the changes under ``paths`` (only those); return the commit."""
    git(root, "add", "--all", "--", *paths)
    git(root, "commit", "--quiet", "--no-verify", "-m", message, "--", *paths)
    return git(root, "rev-parse", "HEAD").strip()


def tag(root: Path, name: str, commit: str, message: str) -> None:
    git(root, "tag", "--annotate", name, commit, "-m", message)


def tags(root: Path, prefix: str) -> list[str]:
    return git(root, "tag", "--list", f"{prefix}*").split()
