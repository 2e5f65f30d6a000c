"""Tests for analytics.ingest.uploads: safe unpacking of uploaded archives."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from analytics.errors import InputError
from analytics.ingest import check_upload, load_corpus_with_report, safe_unzip, stage_upload
from analytics.ingest.uploads import safe_member_path


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
    # The pdf is staged so the load report names it (unsupported); metadata is not.
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "a.txt",
        "sub/b.md",
        "notes.pdf",
    ]
    assert (tmp_path / "a.txt").read_bytes().startswith(b"What's Happening?")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../evil.txt", r"must not contain '\.\.'; got '\.\./evil\.txt'"),
        ("a/../../evil.txt", r"must not contain '\.\.'"),
        ("/etc/evil.txt", r"relative path inside the archive; got '/etc/evil\.txt'"),
        ("C:/evil.txt", r"relative path inside the archive; got 'C:/evil\.txt'"),
        ("a\\..\\..\\evil.txt", r"must not contain '\.\.'"),
        ("\\evil.txt", r"relative path inside the archive"),
        ("C:\\evil.txt", r"relative path inside the archive"),
    ],
    ids=[
        "parent",
        "nested-parent",
        "absolute",
        "drive-letter",
        "backslash-parent",
        "backslash-absolute",
        "backslash-drive",
    ],
)
def test_safe_unzip_rejects_escaping_entries(tmp_path: Path, name: str, message: str):
    data = make_zip({name: b"x"})
    with pytest.raises(InputError, match=message):
        safe_unzip(data, tmp_path / "out")
    assert not (tmp_path / "evil.txt").exists()


def test_safe_unzip_reads_backslashes_as_folder_separators(tmp_path: Path):
    # Zip tools of old Windows wrote "folder\\file"; the entry lands in its folder.
    data = make_zip({"week 1\\a.txt": b"one", "week 1\\notes\\b.md": b"two"})
    written = safe_unzip(data, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "week 1/a.txt",
        "week 1/notes/b.md",
    ]
    assert (tmp_path / "week 1" / "notes" / "b.md").read_bytes() == b"two"


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


def test_safe_unzip_keeps_both_entries_of_a_repeated_name(tmp_path: Path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, pytest.warns(UserWarning, match="Duplicate"):
        archive.writestr("news/a.txt", b"What's Happening?\nCanada meets Mexico.")
        archive.writestr("news/a.txt", b"What's Happening?\nCanada meets Cuba.")
    written = safe_unzip(buffer.getvalue(), tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "news/a.txt",
        "news/a (2).txt",
    ]
    assert [p.read_bytes() for p in written] == [
        b"What's Happening?\nCanada meets Mexico.",
        b"What's Happening?\nCanada meets Cuba.",
    ]


def test_stage_upload_keeps_uploads_of_the_same_name(tmp_path: Path):
    first = stage_upload("brief.txt", b"one", tmp_path)
    second = stage_upload("brief.txt", b"two", tmp_path)
    third = stage_upload("more.zip", make_zip({"brief.txt": b"three"}), tmp_path)
    assert [p.name for p in first + second + third] == [
        "brief.txt",
        "brief (2).txt",
        "brief (3).txt",
    ]
    assert [p.read_bytes() for p in first + second + third] == [b"one", b"two", b"three"]


def test_safe_unzip_stages_entries_it_cannot_read_so_the_load_report_names_them(tmp_path: Path):
    data = make_zip(
        {
            "a.txt": b"What's Happening?\nPeru and Chile sign a deal.",
            "feeds/world.rss": b"<rss version='2.0'><channel></channel></rss>",
            "table.tsv": b"id\ttext\nt-1\tKenya meets Uganda.\n",
            "inner.zip": make_zip({"b.txt": b"What's Happening?\nEgypt meets Jordan."}),
        }
    )
    written = safe_unzip(data, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "a.txt",
        "feeds/world.rss",
        "table.tsv",
        "inner.zip",
    ]
    report = load_corpus_with_report(written).report
    assert report.loc[report["file"] == "inner.zip", "reason"].str.startswith(
        "unsupported extension '.zip'"
    ).tolist() == [True]
    assert report.loc[report["file"] == "table.tsv", "status"].tolist() == ["loaded"]
