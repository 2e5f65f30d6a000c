"""The linters the project is configured for run with the tests, so "clean" stays true."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(module: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_ruff_finds_nothing():
    result = _run("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_leaves_every_file_as_it_is():
    result = _run("ruff", "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing():
    # The files checked are configured in pyproject.toml ([tool.mypy] files).
    result = _run("mypy", "--no-incremental")
    assert result.returncode == 0, result.stdout + result.stderr


def test_docstrings_use_one_dialect():
    # Summary line, then "Parameters:", "Returns:", "Raises:" sections (never "Args:" or
    # numpy-style underlined headings).
    offenders = []
    for path in (ROOT / "src" / "analytics").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            if stripped in {"Args:", "Arguments:", "Keyword Args:"} or (
                stripped and set(stripped) == {"-"} and len(stripped) >= 3 and '"""' not in line
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert not offenders
