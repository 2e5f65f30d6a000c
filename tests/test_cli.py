"""The command line: ingest, every export, and error paths."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from filelock import FileLock
from legacy_stores import write_legacy_store

from analytics import schema as S
from analytics.cli import _generation, build_parser, main
from analytics.pipeline import LOCK, open_store

EXPECTED_COLUMNS = {
    "mentions": ["briefing_id", "date", "iso3", "country", "count", "kinds", "evidence"],
    "topics": ["briefing_id", "topic_id", "topic_label", "weight", "date"],
    "topic-summary": ["topic_id", "label", "top_terms", "n_briefings"],
    "interactions": [
        "briefing_id",
        "date",
        "section",
        "sentence_index",
        "sentence",
        "country_a",
        "country_b",
        "score",
        "class",
        "cues",
        "forward_looking",
    ],
    "relations": [
        "period",
        "country_a",
        "country_b",
        "n_interactions",
        "tension",
        "alliance",
        "net",
        "tension_share",
        "alliance_share",
        "spike",
    ],
    "briefings": ["briefing_id", "date", "date_source", "title", "source", "url", "text"],
    "report": ["file", "row", "status", "reason", "briefing_id"],
}


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory, fixtures_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(fixtures_dir / "store", root / "corpus")
    assert (
        main(
            [
                "ingest",
                str(root / "corpus"),
                "--store",
                str(root / "store"),
                "--topics",
                "2",
                "--quiet",
            ]
        )
        == 0
    )
    return root / "store"


def test_help_works_as_module_and_console_script() -> None:
    module = subprocess.run(
        [sys.executable, "-m", "analytics", "--help"], capture_output=True, text=True, check=True
    )
    assert "ingest" in module.stdout and "export" in module.stdout
    script = Path(sys.executable).parent / "briefing-atlas"
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    console = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True)
    assert console.stdout == module.stdout


def test_ingest_twice_reports_no_work(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = store_dir.parent / "corpus"
    assert main(["ingest", str(corpus), "--store", str(store_dir), "--topics", "2", "--quiet"]) == 0
    assert "store is up to date: 4 briefings, nothing to do" in capsys.readouterr().out


@pytest.mark.parametrize("what", sorted(EXPECTED_COLUMNS), ids=sorted(EXPECTED_COLUMNS))
def test_export_writes_expected_columns(what: str, store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / f"{what}.csv"
    assert main(["export", what, "--store", str(store_dir), "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns[: len(EXPECTED_COLUMNS[what])]) == EXPECTED_COLUMNS[what]
    assert len(table) > 0


def test_export_with_provenance_starts_with_comment_lines(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "relations.csv"
    args = [
        "export",
        "relations",
        "--store",
        str(store_dir),
        "--out",
        str(out),
        "--freq",
        "quarter",
        "--provenance",
    ]
    assert main(args) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ")
    assert any("corpus fingerprint" in line for line in lines if line.startswith("#"))
    table = pd.read_csv(out, comment="#")
    assert set(pd.to_datetime(table["period"]).dt.month) <= {1, 4, 7, 10}


def test_export_mentions_with_kinds_keeps_only_those_kinds(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "mentions.csv"
    assert (
        main(
            ["export", "mentions", "--store", str(store_dir), "--out", str(out), "--kinds", "name"]
        )
        == 0
    )
    kinds = pd.read_csv(out)["kinds"]
    assert set(kinds) == {"name"}


def test_export_rejects_unknown_kind(
    store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "export",
            "mentions",
            "--store",
            str(store_dir),
            "--out",
            str(tmp_path / "x.csv"),
            "--kinds",
            "name,planet",
        ]
    )
    assert code == 2
    assert "--kinds takes a comma-separated list of" in capsys.readouterr().err


def test_export_from_missing_store_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["export", "briefings", "--store", str(tmp_path / "none"), "--out", str(tmp_path / "x.csv")]
    )
    assert code == 2
    assert "no store at" in capsys.readouterr().err


def test_ingest_rejects_malformed_column_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["ingest", str(tmp_path), "--store", str(tmp_path / "s"), "--column", "body"])
    assert exit_info.value.code == 2
    assert "expected ROLE=COLUMN" in capsys.readouterr().err


def test_export_topic_summary_with_topics_override(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.csv"
    code = main(
        ["export", "topic-summary", "--store", str(store_dir), "--out", str(out), "--topics", "1"]
    )
    assert code == 0
    summary = pd.read_csv(out)
    assert len(summary) == 1
    assert summary["n_briefings"].tolist() == [4]


def test_export_rejects_zero_topics(
    store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "export",
            "topics",
            "--store",
            str(store_dir),
            "--out",
            str(tmp_path / "t.csv"),
            "--topics",
            "0",
        ]
    )
    assert code == 2
    assert "--topics must be a positive number of topics; got 0" in capsys.readouterr().err


def test_ingest_rejects_zero_topics_before_reading_anything(
    tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    code = main(["ingest", str(fixtures_dir / "store"), "--store", str(store), "--topics", "0"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--topics must be a positive number of topics; got 0" in err
    assert "Reading" not in err  # refused before the inputs were read
    assert not store.exists()


# -- one clear line, never a traceback ---------------------------------------------------
# Permission cases: the tests run as root, which ignores file modes, so a read-only folder
# is simulated by making os.open refuse writes under it (what the kernel does for a user).

READ_ONLY = """
import errno, os, sys
real_open = os.open
def refusing_open(path, flags, *args, **kwargs):
    writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
    if writing and os.path.abspath(path).startswith({folder!r}):
        raise PermissionError(errno.EACCES, "Permission denied", path)
    return real_open(path, flags, *args, **kwargs)
os.open = refusing_open
"""


def _run(args: list[str], prelude: str = "") -> subprocess.CompletedProcess[str]:
    """``python -m analytics ARGS`` in a fresh process, optionally after ``prelude``."""
    script = (
        prelude + "\nimport sys\nfrom analytics.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    )
    command = (
        [sys.executable, "-c", script, *args]
        if prelude
        else [sys.executable, "-m", "analytics", *args]
    )
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def _one_clear_line(done: subprocess.CompletedProcess[str], code: int, pattern: str) -> None:
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if not line.startswith("[")]
    assert len(errors) == 1, errors
    assert re.search(pattern, errors[0]), errors[0]


@pytest.fixture()
def own_store(tmp_path: Path, fixtures_dir: Path) -> Path:
    shutil.copytree(fixtures_dir / "store", tmp_path / "corpus")
    store = tmp_path / "store"
    code = main(
        ["ingest", str(tmp_path / "corpus"), "--store", str(store), "--topics", "2", "--quiet"]
    )
    assert code == 0
    return store


def test_ingest_into_a_read_only_store_fails_in_one_line(
    own_store: Path, fixtures_dir: Path
) -> None:
    before = (own_store / "CURRENT").read_text()
    done = _run(
        ["ingest", str(fixtures_dir / "store_added"), "--store", str(own_store), "--add"],
        READ_ONLY.format(folder=str(own_store)),
    )
    _one_clear_line(done, 2, r"^error: cannot write to the store at .*: permission denied")
    assert (own_store / "CURRENT").read_text() == before


def test_ingest_into_a_new_read_only_folder_fails_in_one_line(tmp_path: Path, fixtures_dir: Path):
    folder = tmp_path / "empty"
    folder.mkdir()
    done = _run(
        ["ingest", str(fixtures_dir / "store"), "--store", str(folder)],
        READ_ONLY.format(folder=str(folder)),
    )
    _one_clear_line(done, 2, r"cannot write to the store at .*empty: permission denied")
    assert list(folder.iterdir()) == []


def test_ctrl_c_during_ingest_says_the_store_is_unchanged(own_store: Path, fixtures_dir: Path):
    before = open_store(own_store).fingerprint
    interrupt = (
        "import analytics.pipeline.generation as generation\n"
        "def stop(paths):\n    raise KeyboardInterrupt\n"
        "generation._fsync_files = stop\n"
    )
    done = _run(
        ["ingest", str(fixtures_dir / "store_added"), "--store", str(own_store), "--add"], interrupt
    )
    _one_clear_line(done, 130, r"^interrupted: the store at .* is unchanged$")
    assert open_store(own_store).fingerprint == before
    assert not list(own_store.glob(".tmp-*"))


@pytest.mark.parametrize(
    ("where", "pattern"),
    [
        ("missing/out.csv", r"--out cannot be written \(no such file or folder\); got '.*out.csv'"),
        ("read-only/out.csv", r"--out cannot be written \(permission denied\); got '.*out.csv'"),
        ("a-folder", r"--out cannot be written \(it is a folder\); got '.*a-folder'"),
    ],
    ids=["missing-folder", "read-only-folder", "folder"],
)
def test_export_to_an_unwritable_out_fails_in_one_line(
    own_store: Path, tmp_path: Path, where: str, pattern: str
) -> None:
    (tmp_path / "read-only").mkdir()
    (tmp_path / "a-folder").mkdir()
    prelude = ""
    if where.startswith("read-only"):
        # Root may write anywhere: refuse the write where the kernel would refuse a user.
        prelude = (
            "import errno, pathlib\nreal = pathlib.Path.write_bytes\n"
            "def refusing(self, data):\n"
            f"    if str(self).startswith({str(tmp_path / 'read-only')!r}):\n"
            "        raise PermissionError(errno.EACCES, 'Permission denied', str(self))\n"
            "    return real(self, data)\n"
            "pathlib.Path.write_bytes = refusing\n"
        )
    done = _run(
        ["export", "briefings", "--store", str(own_store), "--out", str(tmp_path / where)], prelude
    )
    _one_clear_line(done, 2, pattern)


@pytest.mark.parametrize(
    "name", ["CURRENT", "ATLAS-STORE", "text-index.sqlite", "new.csv"], ids=str
)
def test_export_refuses_an_out_inside_the_store(own_store: Path, name: str) -> None:
    store = open_store(own_store)
    done = _run(["export", "report", "--store", str(own_store), "--out", str(own_store / name)])
    _one_clear_line(
        done, 2, r"^error: an export must be written outside the store folder .*; got '.*"
    )
    assert open_store(own_store).fingerprint == store.fingerprint
    assert not (own_store / "new.csv").exists()


def test_export_that_fails_midway_keeps_the_earlier_file_whole(
    own_store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "briefings.csv"
    out.write_text("the export of last week\n", encoding="utf-8")
    # The disk fills after the first 100 bytes of whatever is written.
    prelude = (
        "import errno, pathlib\nreal = pathlib.Path.write_bytes\n"
        "def filling(self, data):\n"
        "    real(self, data[:100])\n"
        "    raise OSError(errno.ENOSPC, 'No space left on device', str(self))\n"
        "pathlib.Path.write_bytes = filling\n"
    )
    done = _run(["export", "briefings", "--store", str(own_store), "--out", str(out)], prelude)
    _one_clear_line(done, 2, r"--out cannot be written \(no space left on device\)")
    assert out.read_text(encoding="utf-8") == "the export of last week\n"
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_export_to_dev_stdout_writes_the_csv_there(own_store: Path) -> None:
    done = _run(["export", "topics", "--store", str(own_store), "--out", "/dev/stdout"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("briefing_id,topic_id,")


def test_export_to_a_dash_writes_standard_output_and_no_file(
    own_store: Path, tmp_path: Path
) -> None:
    # "-" is standard output on a command line; it had been written as a file named "-".
    here = tmp_path / "here"
    here.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "analytics", "export", "topics", "--store", str(own_store)]
        + ["--out", "-"],
        capture_output=True,
        text=True,
        cwd=here,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("briefing_id,topic_id,")
    assert re.fullmatch(r"wrote \d+ rows to -\n", done.stderr)
    assert list(here.iterdir()) == []


def test_export_to_dev_stdout_redirected_to_a_file_holds_the_csv_alone(
    own_store: Path, tmp_path: Path
) -> None:
    # The count goes to stderr: on stdout it would end the CSV with a row that is no data.
    redirected = tmp_path / "out.csv"
    with redirected.open("wb") as sink:
        done = subprocess.run(
            [sys.executable, "-m", "analytics", "export", "topics", "--store", str(own_store)]
            + ["--out", "/dev/stdout"],
            stdout=sink,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr
    exported = pd.read_csv(redirected)
    assert list(exported.columns[:2]) == ["briefing_id", "topic_id"]
    assert len(exported) == len(open_store(own_store).table("topics"))
    assert re.fullmatch(r"wrote \d+ rows to /dev/stdout\n", done.stderr)


@pytest.mark.parametrize("command", ["ingest", "export", "info"])
def test_a_store_path_that_is_a_file_fails_in_one_line(
    tmp_path: Path, fixtures_dir: Path, command: str
) -> None:
    path = tmp_path / "store.txt"
    path.write_text("not a store", encoding="utf-8")
    args = {
        "ingest": ["ingest", str(fixtures_dir / "store"), "--store", str(path)],
        "export": ["export", "briefings", "--store", str(path), "--out", str(tmp_path / "x.csv")],
        "info": ["info", "--store", str(path)],
    }[command]
    _one_clear_line(_run(args), 2, r"^error: the store path .*store.txt is a file")
    assert path.read_text(encoding="utf-8") == "not a store"


def test_ingest_refuses_to_drop_stored_briefings_without_add_or_replace(
    own_store: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    added = str(fixtures_dir / "store_added")
    assert main(["ingest", added, "--store", str(own_store), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "would drop 4 of the store's 4 briefings" in err
    assert "pass --add to keep the stored briefings" in err
    assert main(["ingest", added, "--store", str(own_store), "--quiet", "--add"]) == 0
    assert "incremental ingest: 5 briefings in store" in capsys.readouterr().out
    assert main(["ingest", added, "--store", str(own_store), "--quiet", "--replace"]) == 0
    assert "full ingest: 1 briefings in store" in capsys.readouterr().out


def test_ingest_refuses_a_foreign_folder(
    tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.docx").write_bytes(b"PK")
    assert main(["ingest", str(fixtures_dir / "store"), "--store", str(folder)]) == 2
    assert "is not a Briefing Atlas store and not empty (it holds thesis.docx)" in (
        capsys.readouterr().err
    )
    assert [p.name for p in folder.iterdir()] == ["thesis.docx"]


def test_ingest_wait_times_out_with_one_clear_error(own_store: Path, fixtures_dir: Path) -> None:
    before = (own_store / "CURRENT").read_text()
    with FileLock(own_store / LOCK):
        started = time.perf_counter()
        done = _run(
            [
                "ingest",
                str(fixtures_dir / "store_added"),
                "--store",
                str(own_store),
                "--add",
                "--wait",
                "1.5",
                "--quiet",
            ]
        )
        waited = time.perf_counter() - started
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == f"waiting for the store at {own_store}: it is held by another writer…"
    assert re.fullmatch(
        r"error: the store at .* is still held by another writer after 1.5 s; it "
        r"was not changed: .*--wait SECONDS",
        lines[1],
    )
    assert len(lines) == 2 and waited >= 1.5
    assert (own_store / "CURRENT").read_text() == before


def test_ingest_help_documents_add_replace_and_wait() -> None:
    text = build_parser()._subparsers._group_actions[0].choices["ingest"].format_help()  # type: ignore[union-attr]
    text = " ".join(text.split())
    assert "--add " in text and "--replace " in text
    assert (
        "--wait SECONDS how long to wait for another writer of the same store (an ingest, a "
        "vacuum, an index build) to finish (default: 600)" in text
    )


def test_info_names_the_generation_and_verifies_checksums(
    own_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["info", "--store", str(own_store)]) == 0
    out = capsys.readouterr().out
    assert "(format 3)" in out
    assert "generation: gen-000001 created " in out
    # Briefings dated 2025-01 and 2025-02: five month-partitioned tables of two files each;
    # report, topic summary, watchlist, duplicate keys, 6 rollups and their 6 counts of one
    # file each; and two topic-model files.
    assert re.search(r"checksums: verified \(28 files: every data file and the topic model\)", out)
    assert "  briefings: 4 rows, Delta version 0, 2 files" in out
    assert re.search(r"\n  \* 1  \S+  4 briefings  full  inputs: corpus\n", out)


def test_info_on_a_store_written_before_checksums(
    own_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy = write_legacy_store(open_store(own_store), tmp_path / "legacy")
    meta_path = legacy / "gen-000001" / "meta.json"
    meta = json.loads(meta_path.read_text())
    for entry in meta["tables"].values():
        for part in entry["parts"]:
            del part["sha256"]
    del meta["model_files"]
    meta_path.write_text(json.dumps(meta))
    assert main(["info", "--store", str(legacy)]) == 0
    out = capsys.readouterr().out
    assert "(format 2)" in out
    assert "checksums: not recorded (store written before checksums; 21 files checked" in out
    assert "  briefings: 4 rows in 1 part\n" in out


def test_info_lists_generations_and_export_reads_an_older_one(
    own_store: Path, fixtures_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    added = ["ingest", str(fixtures_dir / "store_added"), "--store", str(own_store)]
    assert main([*added, "--add", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["info", "--store", str(own_store)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\n    1  \S+  4 briefings  full  inputs: corpus\n", out)
    assert re.search(r"\n  \* 2  \S+  5 briefings  incremental  inputs: corpus, store_added\n", out)
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    store = ["--store", str(own_store)]
    assert main(["export", "briefings", *store, "--as-of", "1", "--out", str(old)]) == 0
    assert main(["export", "briefings", *store, "--out", str(new)]) == 0
    assert len(pd.read_csv(old)) == 4 and len(pd.read_csv(new)) == 5
    done = _run(["export", "briefings", *store, "--as-of", "7", "--out", str(old)])
    _one_clear_line(done, 2, r"holds no generation 7; it holds generations 1, 2 \(see `python")
    # The name `info` shows on its generation line reads the same generation.
    named = tmp_path / "named.csv"
    assert main(["export", "briefings", *store, "--as-of", "gen-000001", "--out", str(named)]) == 0
    assert named.read_bytes() == old.read_bytes()


@pytest.mark.parametrize("given", ["banana", "0", "gen-1", "-3", "gen-000000"])
def test_export_as_of_names_what_a_generation_looks_like(given: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=r"a number such as 3 or a name such as "):
        _generation(given)


def test_migrate_rewrites_an_older_store_once(
    own_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy = write_legacy_store(open_store(own_store), tmp_path / "legacy")
    assert main(["migrate", "--store", str(legacy)]) == 0
    captured = capsys.readouterr()
    assert re.fullmatch(
        r"migrating the store at .*legacy from format 2 \(Parquet parts\) to format 3 "
        r"\(Delta tables\), once: all 4 briefings and every table are kept\n",
        captured.err,
    )
    assert captured.out == "migrated: generation gen-000002 holds every table as Delta tables\n"
    assert main(["migrate", "--store", str(legacy)]) == 0
    assert capsys.readouterr().out.endswith("is already of format 3: nothing to do\n")


def test_vacuum_keeps_at_least_two_generations(own_store: Path) -> None:
    done = _run(["vacuum", "--store", str(own_store), "--keep", "1"])
    _one_clear_line(done, 2, r"expected --keep 2 or more; got 1$")
    done = _run(["vacuum", "--store", str(own_store)])
    assert done.returncode == 0, done.stderr
    assert done.stdout == "nothing to remove: the store keeps generations 1\n"


def test_store_given_as_a_file_url(own_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "topics.csv"
    url = own_store.resolve().as_uri()
    assert main(["export", "topics", "--store", url, "--out", str(out)]) == 0
    assert len(pd.read_csv(out)) == 4
    done = _run(["info", "--store", "ftp://host/atlas"])
    _one_clear_line(
        done, 2, r"a store is a folder, a file:///absolute/path URL or .*got 'ftp://host/atlas'$"
    )


def test_export_watchlist_writes_each_expected_event_with_its_follow_up(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [
        {
            "id": "c1",
            "date": "2025-02-20",
            "text": "What's Happening?\nFrance and Germany met in Paris.\n"
            "What's Next?\nFrance will host a summit with Germany on March 3.",
        },
        {
            "id": "c2",
            "date": "2025-03-04",
            "text": "What's Happening?\nFrance hosted a summit with Germany in Paris.",
        },
    ]
    (corpus / "briefings.jsonl").write_text(
        "\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8"
    )
    store, out = tmp_path / "store", tmp_path / "watchlist.csv"
    assert main(["ingest", str(corpus), "--store", str(store), "--topics", "1", "--quiet"]) == 0
    assert main(["export", "watchlist", "--store", str(store), "--out", str(out)]) == 0
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns) == list(S.FOLLOW_UP_COLUMNS)
    assert table[
        [S.BRIEFING_ID, S.COUNTRIES, S.WINDOW_START, S.WINDOW_END, S.FOLLOW_UP, S.EVIDENCE_IDS]
    ].values.tolist() == [["c1", "FRA|DEU", "2025-03-03", "2025-03-03", "reported", "c2"]]
    assert table[S.EVIDENCE].iloc[0] == "2025-03-04: France hosted a summit with Germany in Paris."


def test_ingest_follow_up_keeps_it_and_exports_read_it_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [
        {
            "id": "k1",
            "date": "2025-02-20",
            "text": "Chile will sign a trade pact with Peru on March 3.",
        },
        {"id": "k2", "date": "2025-03-04", "text": "Chile signed a trade pact with Peru in Lima."},
    ]
    (corpus / "briefings.jsonl").write_text(
        "\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8"
    )
    store = tmp_path / "store"
    args = ["ingest", str(corpus), "--store", str(store), "--topics", "1", "--quiet"]
    assert main([*args, "--follow-up"]) == 0
    printed = capsys.readouterr().out
    assert re.search(
        r"^follow-up: 1 expected events, 1 reported; kept for the dashboard and exports "
        r"\(\d+\.\d s\)$",
        printed,
        re.MULTILINE,
    )
    assert len(list((store / "follow-up").glob("*.parquet"))) == 1
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    assert main(["export", "watchlist", "--store", str(store), "--out", str(first)]) == 0
    shutil.rmtree(store / "follow-up")
    assert main(["export", "watchlist", "--store", str(store), "--out", str(second)]) == 0
    # Read from the store, then worked out again (and kept again): the same bytes.
    assert first.read_bytes() == second.read_bytes()
    assert "reported" in first.read_text(encoding="utf-8")
    assert len(list((store / "follow-up").glob("*.parquet"))) == 1


def _ingested(tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A store of the fixture corpus, its ingest's output read away."""
    store = tmp_path / "store"
    assert main(["ingest", str(fixtures_dir / "store"), "--store", str(store), "--quiet"]) == 0
    capsys.readouterr()
    return store


@pytest.mark.parametrize("command", ["follow-up", "index"])
def test_store_commands_name_a_missing_store_in_one_line(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--store", str(tmp_path / "none")]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err.startswith(f"error: no store at {tmp_path / 'none'} (no CURRENT file)")
    assert not (tmp_path / "none").exists()  # nothing made where there is no store
    (tmp_path / "a.txt").write_text("not a store", encoding="utf-8")
    assert main([command, "--store", str(tmp_path / "a.txt")]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: the store path {tmp_path / 'a.txt'} is a file; a store is a folder"
    )


def test_follow_up_command_keeps_it_once(
    tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _ingested(tmp_path, fixtures_dir, capsys)
    assert main(["follow-up", "--store", str(store)]) == 0
    assert re.fullmatch(
        r"follow-up: 1 expected events, 0 reported; kept for the dashboard and exports "
        r"\(\d+\.\d s\)\n",
        capsys.readouterr().out,
    )
    assert len(list((store / "follow-up").glob("*.parquet"))) == 1
    assert main(["follow-up", "--store", f"file://{store}"]) == 0
    assert capsys.readouterr().out == "follow-up: already kept for generation gen-000001\n"


def test_index_command_rebuilds_a_missing_index_once(
    tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from analytics.pipeline import open_text_index

    store = _ingested(tmp_path, fixtures_dir, capsys)
    (store / "text-index.sqlite").unlink()
    assert open_text_index(open_store(store)) is None
    assert main(["index", "--store", str(store)]) == 0
    assert re.fullmatch(
        rf"{re.escape(str(store))}: the text index did not match the store \(there is none\); "
        r"rebuilt it from 4 briefings \(\d+\.\d s\)\n",
        capsys.readouterr().out,
    )
    assert open_text_index(open_store(store)) is not None
    assert main(["index", "--store", str(store)]) == 0
    assert re.fullmatch(
        rf"{re.escape(str(store))}: the text index holds generation gen-000001 \(4 briefings\): "
        r"nothing to do \(\d+\.\d s\)\n",
        capsys.readouterr().out,
    )


def test_index_command_waits_for_an_ingest_then_fails_in_one_line(own_store: Path) -> None:
    with FileLock(own_store / LOCK):
        done = _run(["index", "--store", str(own_store), "--wait", "0.5"])
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines()[-1].startswith(
        f"error: the store at {own_store} is still held by another writer after 0.5 s"
    )


def test_ingest_refuses_dask_options_with_the_local_engine(
    tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["ingest", str(fixtures_dir / "store"), "--store", str(tmp_path / "s"), "--workers", "2"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err == "error: workers only apply to the dask engine; got engine 'local'\n"
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("bad", ["0", "two"], ids=["zero", "word"])
def test_ingest_rejects_a_worker_count_that_is_not_positive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["ingest", str(tmp_path), "--store", str(tmp_path / "s"), "--workers", bad])
    assert exit_info.value.code == 2
    assert f"must be a positive whole number; got {bad!r}" in capsys.readouterr().err


def test_ingest_on_the_dask_engine_prints_the_cluster_and_progress(
    tmp_path: Path, fixtures_dir: Path
) -> None:
    # Its own process: a process that used a Dask client keeps threads and then never forks.
    root = Path(__file__).resolve().parents[1]
    args = ["ingest", str(fixtures_dir / "store"), "--store", str(tmp_path / "s")]
    args += ["--topics", "2", "--engine", "dask", "--workers", "1", "--partitions", "2"]
    result = subprocess.run(
        [sys.executable, "-m", "analytics", *args],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root / "src")},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"engine: dask at tcp://127\.0\.0\.1:\d+ \(1 workers, 2 partitions\); "
        r"dashboard: http://127\.0\.0\.1:\d+/status",
        result.stderr,
    )
    # Mentions, topics, relations, watchlist and rollup counts of each partition.
    assert "10/10 partition tasks done (2 partitions)" in result.stderr
    assert "full ingest: 4 briefings in store" in result.stdout
