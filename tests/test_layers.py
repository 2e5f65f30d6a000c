"""Layer rules: imports point down the pipeline; the core never imports Streamlit; pages/ holds
only thin page scripts."""

from __future__ import annotations

import ast
import re
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


def loads_in_a_fresh_interpreter(code: str, module: str) -> bool:
    """Whether running ``code`` in a fresh interpreter leaves ``module`` imported."""
    check = f"{code}\nimport sys\nprint({module!r} in sys.modules)\n"
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return result.stdout.strip().splitlines()[-1] == "True"


def test_importing_the_core_loads_no_streamlit():
    # Transitive check: import every core module in a fresh interpreter.
    names = [
        "analytics." + ".".join(p.relative_to(CORE).with_suffix("").parts)
        for p in CORE_MODULES
        if p.name not in {"__init__.py", "__main__.py"}
    ]
    code = (
        "import importlib\n"
        f"for name in {names!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as error:\n"
        "        if 'streamlit' in str(error):\n"
        "            raise"
    )
    assert not loads_in_a_fresh_interpreter(code, "streamlit")


def test_the_dashboard_loads_no_topic_model_library():
    # scikit-learn takes about a second to import: the modules a dashboard process imports
    # to read a store leave it to the ingest and topic code that fit or count with it.
    imports = "import analytics.pipeline, analytics.views, analytics.ui.cache"
    assert not loads_in_a_fresh_interpreter(imports, "sklearn")
    assert loads_in_a_fresh_interpreter("import analytics.topics", "sklearn")


# The import direction, bottom to top: a part may import its own modules, the parts of its
# layer and those of every layer below it, never one above.
BUILDING_BLOCKS = frozenset(
    {
        "errors",
        "schema",
        "text",
        "timeseries",
        "parallel",
        "paths",
        "artefacts",
        "settings",
        "version",
        "search",
        "tallies",
        "frames",
    }
)
LAYERS: tuple[frozenset[str], ...] = (
    BUILDING_BLOCKS,
    frozenset({"ingest"}),  # loading
    frozenset({"countries", "topics", "relations"}),
    frozenset({"watchlist"}),  # expected events, from mentions and the relation lexicon
    frozenset({"pipeline"}),  # the pipeline and the store
    frozenset({"views"}),  # presentation
    frozenset({"ui"}),
)
# Parts beside the layers, and what each may import besides itself.
BELOW_UI = frozenset().union(*LAYERS[:-1])
SIDE_PARTS: dict[str, frozenset[str]] = {
    "cli": BELOW_UI,  # the command line: pipeline and views, and what they stand on
    "__main__": BELOW_UI | {"cli"},
    "synth": BUILDING_BLOCKS,  # the synthetic corpus generator stands on its own
    "analytics": BELOW_UI,  # the package's public API (``analytics/__init__.py``)
}
APP = frozenset().union(*LAYERS)  # pages/ and dashboard.py: the Streamlit app


def allowed_parts(part: str) -> frozenset[str]:
    """The parts of ``analytics`` that modules of ``part`` may import (itself included)."""
    if part in SIDE_PARTS:
        return SIDE_PARTS[part] | {part}
    for rank, layer in enumerate(LAYERS):
        if part in layer:
            return frozenset().union(*LAYERS[: rank + 1])
    raise AssertionError(f"{part!r} is in no layer: add it to LAYERS or SIDE_PARTS")


def module_name(path: Path) -> str:
    """``src/analytics/views/common.py`` -> ``analytics.views.common``."""
    parts = path.relative_to(CORE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(module: str) -> str:
    """The part of the package a module belongs to: ``analytics.views.common`` -> ``views``.

    The package itself (``analytics``, its ``__init__``) is the part ``analytics``.
    """
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "analytics"


def analytics_imports(path: Path) -> list[tuple[int, str]]:
    """Every ``analytics`` module a file imports, with its line, inside functions too.

    ``from analytics import views`` imports ``analytics.views``; a name that is not a
    module or package (``from analytics import __version__``) imports the package itself.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).split(".") if path.is_relative_to(CORE) else []
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                is_module = (CORE.parent / Path(*candidate.split("."))).with_suffix(".py").exists()
                is_package = (CORE.parent / Path(*candidate.split("."))).is_dir()
                found.append((node.lineno, candidate if is_module or is_package else base))
    return [(line, name) for line, name in found if name.split(".")[0] == "analytics"]


def layer_violations(path: Path, part: str) -> list[str]:
    """One readable line per import of ``path`` (of ``part``) that points up the layers."""
    allowed = APP if part == "app" else allowed_parts(part)
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    return [
        f"{where}:{line} imports {name} ({part} may not import {part_of(name)})"
        for line, name in analytics_imports(path)
        if part_of(name) not in allowed
    ]


ALL_CORE_MODULES = sorted(CORE.rglob("*.py"))
# Imports against the direction that are being moved (issue #13); strict, so an entry must
# go as soon as its module is fixed.
KNOWN_VIOLATIONS: dict[str, str] = {}


def _core_module_param(path: Path) -> object:
    name = path.relative_to(CORE).as_posix()
    known = KNOWN_VIOLATIONS.get(name)
    marks = [pytest.mark.xfail(reason=known, strict=True)] if known else []
    return pytest.param(path, id=name, marks=marks)


@pytest.mark.parametrize("path", [_core_module_param(p) for p in ALL_CORE_MODULES])
def test_core_module_imports_only_down_the_layers(path: Path):
    violations = layer_violations(path, part_of(module_name(path)))
    assert not violations, "imports against the layer direction:\n" + "\n".join(violations)


def test_app_imports_only_the_layers():
    scripts = [ROOT / "dashboard.py", *sorted(PAGES.glob("*.py"))]
    violations = [line for path in scripts for line in layer_violations(path, "app")]
    assert not violations, "\n".join(violations)


def test_every_part_of_the_package_has_a_place_in_the_layers():
    parts = {part_of(module_name(path)) for path in ALL_CORE_MODULES}
    for part in parts:
        allowed_parts(part)


@pytest.mark.parametrize(
    ("part", "source", "expected"),
    [
        ("ingest", "from analytics import schema as S", []),
        (
            "ingest",
            "from analytics.pipeline.process import process",
            ["analytics.pipeline.process"],
        ),
        ("countries", "def f():\n    from analytics.views import pair_label", ["analytics.views"]),
        ("relations", "from analytics.countries.gazetteer import load_gazetteer", []),
        ("synth", "from analytics import settings, ui", ["analytics.ui"]),
        ("synth", "import analytics.ingest.load", ["analytics.ingest.load"]),
        ("cli", "from analytics.views import to_csv", []),
        ("views", "from analytics import __version__", ["analytics"]),
    ],
    ids=[
        "block",
        "loading-imports-pipeline",
        "inside-a-function",
        "same-layer",
        "one-of-several-names",
        "plain-import",
        "cli-imports-views",
        "package-api",
    ],
)
def test_layer_violations_name_the_offending_import(
    tmp_path: Path, part: str, source: str, expected: list[str]
):
    path = tmp_path / "probe.py"
    path.write_text(source + "\n", encoding="utf-8")
    found = layer_violations(path, part)
    assert [line.split(" imports ")[1].split(" ")[0] for line in found] == expected
    assert all(f"{part} may not import" in line for line in found)


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


def test_readme_layout_names_every_package_and_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("```")[1]
    words = set(re.findall(r"[\w]+", layout))
    missing = [
        path.relative_to(CORE).as_posix()
        for path in CORE.rglob("*.py")
        if path.stem not in {"__init__", "__main__"}
        and (
            path.stem not in words
            or any(part not in words for part in path.relative_to(CORE).parts[:-1])
        )
    ]
    assert not missing, f"README's layout does not name: {missing}"
