"""Fixtures shared by the store tests: the small store corpus and the folder added to it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture()
def corpus(tmp_path: Path, fixtures_dir: Path) -> Path:
    """A copy of the store fixture corpus (a test may add files to it)."""
    folder = tmp_path / "corpus"
    shutil.copytree(fixtures_dir / "store", folder)
    return folder


@pytest.fixture()
def added(tmp_path: Path, fixtures_dir: Path) -> Path:
    """A copy of the folder of briefings added to the store fixture corpus."""
    folder = tmp_path / "added"
    shutil.copytree(fixtures_dir / "store_added", folder)
    return folder
