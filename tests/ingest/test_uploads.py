"""Tests for analytics.ingest.uploads: safe unpacking of uploaded archives."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from analytics.errors import InputError
from analytics.ingest.uploads import check_upload, safe_member_path, safe_unzip, stage_upload


def make_zip(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_safe_unzip_writes_briefings_inside_destination(tmp_path: Path):
    data = make_zip(
        {
            "a.txt": b"What's Happening?\nJapan and China.",
            "sub/b.md": b"text",
            "notes.pdf": b"%PDF",
            "__MACOSX/._a.txt": b"junk",
            ".hidden.txt": b"x",
        }
    )
    written = safe_unzip(data, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == ["a.txt", "sub/b.md"]
    assert (tmp_path / "a.txt").read_bytes().startswith(b"What's Happening?")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../evil.txt", r"must not contain '\.\.'; got '\.\./evil\.txt'"),
        ("a/../../evil.txt", r"must not contain '\.\.'"),
        ("/etc/evil.txt", r"relative path inside the archive; got '/etc/evil\.txt'"),
        ("C:/evil.txt", r"relative path inside the archive; got 'C:/evil\.txt'"),
        ("a\\..\\evil.txt", r"relative path inside the archive"),
    ],
    ids=["parent", "nested-parent", "absolute", "drive-letter", "backslash"],
)
def test_safe_unzip_rejects_escaping_entries(tmp_path: Path, name: str, message: str):
    data = make_zip({name: b"x"})
    with pytest.raises(InputError, match=message):
        safe_unzip(data, tmp_path / "out")
    assert not (tmp_path / "evil.txt").exists()


def test_safe_unzip_stops_a_zip_bomb_by_ratio(tmp_path: Path):
    data = make_zip({"bomb.txt": b"0" * 2_000_000})  # compresses ~1000x
    with pytest.raises(InputError, match=r"expands beyond the limit"):
        safe_unzip(data, tmp_path, max_ratio=50)
    assert not (tmp_path / "bomb.txt").exists()


def test_safe_unzip_stops_at_total_size(tmp_path: Path):
    data = make_zip({"a.txt": b"a" * 1000, "b.txt": b"b" * 1000}, compression=zipfile.ZIP_STORED)
    with pytest.raises(InputError, match=r"expands beyond the limit"):
        safe_unzip(data, tmp_path, max_total_bytes=1500)


def test_safe_unzip_caps_entry_count(tmp_path: Path):
    data = make_zip({f"{i}.txt": b"x" for i in range(5)})
    with pytest.raises(InputError, match=r"at most 3 entries; got 5"):
        safe_unzip(data, tmp_path, max_entries=3)


def test_safe_unzip_rejects_non_zip(tmp_path: Path):
    with pytest.raises(InputError, match=r"not a readable zip archive"):
        safe_unzip(b"not a zip", tmp_path)


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("briefings.exe", 10, r"upload must be one of .*; got 'briefings\.exe'"),
        ("big.csv", 300 * 1024 * 1024, r"at most 200 MB; got 'big\.csv' of 300\.0 MB"),
    ],
    ids=["type", "size"],
)
def test_check_upload_rejects(name: str, size: int, message: str):
    with pytest.raises(InputError, match=message):
        check_upload(name, size)


@pytest.mark.parametrize("name", ["a.TXT", "x.jsonl", "y.parquet", "z.zip"], ids=str)
def test_check_upload_accepts_supported_types(name: str):
    assert check_upload(name, 10) == "." + name.rsplit(".", 1)[1].lower()


def test_safe_member_path_keeps_relative_names():
    assert safe_member_path("folder/file.txt").parts == ("folder", "file.txt")


def test_stage_upload_writes_plain_file_by_base_name(tmp_path: Path):
    written = stage_upload("briefing.txt", b"hello", tmp_path)
    assert written == [tmp_path / "briefing.txt"]
    assert written[0].read_bytes() == b"hello"


# -- processing in a separate process ---------------------------------------------------
UPLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "ui" / "upload"


def test_process_files_in_the_worker_equals_in_process(tmp_path: Path):
    import pandas as pd

    from analytics.ingest.uploads import process_files

    staged = []
    for path in sorted(UPLOADS.glob("*.txt")):
        staged += stage_upload(path.name, path.read_bytes(), tmp_path)
    reported: list[tuple[float, str]] = []
    here = process_files(staged, separate_process=False)
    there = process_files(staged, progress=lambda f, m: reported.append((f, m)))
    for table in ("briefings", "report", "mentions", "countries", "topics", "topic_summary"):
        pd.testing.assert_frame_equal(getattr(there, table), getattr(here, table))
    pd.testing.assert_frame_equal(there.interactions, here.interactions)
    assert (there.fingerprint, there.versions) == (here.fingerprint, here.versions)
    assert len(here.briefings) == 6
    # Progress came back from the worker, in order, up to "Done".
    assert reported[0] == (0.02, f"Reading {len(staged)} files")
    assert reported[-1] == (1.0, "Done")
    assert [f for f, _ in reported] == sorted(f for f, _ in reported)


def test_process_files_in_the_worker_raises_its_error_without_traceback(tmp_path: Path):
    from analytics.errors import EmptyCorpusError
    from analytics.ingest.uploads import process_files

    staged = stage_upload("empty.txt", b"   \n", tmp_path)
    with pytest.raises(EmptyCorpusError, match=r"no briefing could be loaded") as caught:
        process_files(staged)
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_worker_that_ends_without_a_result_is_one_message(tmp_path: Path):
    from analytics.errors import AnalyticsError
    from analytics.ingest.uploads import _worker_result

    with pytest.raises(AnalyticsError, match=r"ended without a result \(it may have run out"):
        _worker_result(-9, tmp_path / "missing.pickle", "")


def test_worker_fault_names_its_type_only(tmp_path: Path):
    from analytics.errors import AnalyticsError
    from analytics.ingest.uploads import _worker_result

    log = 'Traceback (most recent call last):\n  File "/srv/x.py"\nMemoryError: big'
    with pytest.raises(AnalyticsError, match=r"failed unexpectedly \(MemoryError\)") as caught:
        _worker_result(1, tmp_path / "missing.pickle", log)
    assert "/srv" not in str(caught.value)
