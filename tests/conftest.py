"""Shared fixtures: project paths and the optional ../shared evaluation material."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = PROJECT_ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only evaluation folder beside the project; skips the test when absent."""
    if not (SHARED_DIR / "corpora").is_dir():
        pytest.skip("../shared is not present; evaluation skipped")
    return SHARED_DIR


@pytest.fixture(scope="session")
def seed_file(shared_dir: Path) -> Path:
    return next((shared_dir / "seed").glob("*.txt"))


@pytest.fixture(scope="session")
def reuters_jsonl(shared_dir: Path) -> Path:
    path = shared_dir / "corpora" / "reuters21578" / "reuters.jsonl"
    if not path.exists():
        pytest.skip("Reuters-21578 JSONL is not present")
    return path
