"""Layer rules: the core never imports Streamlit; pages/ holds only thin page scripts."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "src" / "analytics"
PAGES = ROOT / "pages"
CORE_MODULES = sorted(p for p in CORE.rglob("*.py") if "ui" not in p.relative_to(CORE).parts)


def imported_roots(path: Path) -> set[str]:
    """Top-level package names a file imports (absolute imports only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_does_not_import_streamlit(path: Path):
    assert "streamlit" not in imported_roots(path)


def test_importing_the_core_loads_no_streamlit():
    # Transitive check: import every core module in a fresh interpreter.
    names = [
        "analytics." + ".".join(p.relative_to(CORE).with_suffix("").parts)
        for p in CORE_MODULES
        if p.name not in {"__init__.py", "__main__.py"}
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as error:\n"
        "        if 'streamlit' in str(error):\n"
        "            raise\n"
        "print('streamlit' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip().splitlines()[-1] == "False"


def page_scripts() -> list[Path]:
    return sorted(PAGES.glob("*.py"))


def test_pages_folder_holds_only_page_scripts():
    entries = {p.name for p in PAGES.iterdir() if p.name != "__pycache__"}
    scripts = {p.name for p in page_scripts()}
    assert entries == scripts, "pages/ must contain page scripts only"
    assert "__init__.py" not in scripts
    dashboard = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    for script in scripts:
        assert f'"pages/{script}"' in dashboard, f"{script} is not declared in st.navigation"


@pytest.mark.parametrize("path", page_scripts(), ids=lambda p: p.name)
def test_page_is_a_thin_view(path: Path):
    allowed = {"__future__", "streamlit", "analytics"}
    assert imported_roots(path) <= allowed, "pages import only streamlit and analytics"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert "open" not in calls, "no file I/O in a page"
    indexing = [ast.unparse(node) for node in ast.walk(tree) if is_frame_indexing(node)]
    assert not indexing, f"no DataFrame indexing in a page; move it to the core: {indexing}"


def is_frame_indexing(node: ast.AST) -> bool:
    """``x["col"]``, ``x[["a", "b"]]``, ``x.loc[...]`` or ``x.iloc[...]``."""
    if not isinstance(node, ast.Subscript):
        return False
    if isinstance(node.value, ast.Attribute) and node.value.attr in {"loc", "iloc", "at", "iat"}:
        return True
    index = node.slice
    if isinstance(index, ast.Constant):
        return isinstance(index.value, str)
    if isinstance(index, ast.List | ast.Tuple):
        return any(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in index.elts)
    return False


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('df["a"]', True),
        ('df[["a", "b"]]', True),
        ("df.loc[mask]", True),
        ("df.iloc[0]", True),
        ("values[0]", False),
        ("pairs[i]", False),
    ],
    ids=["column", "columns", "loc", "iloc", "list-position", "variable"],
)
def test_is_frame_indexing_detects_pandas_indexing(source: str, expected: bool):
    assert is_frame_indexing(ast.parse(source, mode="eval").body) is expected
