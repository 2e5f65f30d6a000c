"""Hostile and broken input: property-based checks that loaders never crash or lose records."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import schema as S
from analytics.errors import EmptyCorpusError, InputError
from analytics.ingest import LoadResult, load_corpus_with_report, load_files, parse_briefing
from analytics.text import split_sentences

# Text with control characters, surrogate-free unicode, odd line ends and long runs.
hostile_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=400
) | st.builds(
    lambda word, n: word * n, st.sampled_from(["x", "Japan ", "\x00", "é"]), st.integers(0, 20_000)
)
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1")
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(text=hostile_text)
def test_parse_briefing_never_crashes(text: str) -> None:
    parsed = parse_briefing(text)
    assert set(parsed) >= {"title", "happening", "importance", "next"}


@SETTINGS
@given(text=hostile_text)
def test_split_sentences_spans_stay_inside_text(text: str) -> None:
    previous_end = 0
    for start, end in split_sentences(text):
        assert previous_end <= start < end <= len(text)
        previous_end = end


@SETTINGS
@given(text=hostile_text, encoding=st.sampled_from(ENCODINGS), crlf=st.booleans())
def test_load_files_accounts_for_every_text_file(
    tmp_path_factory: pytest.TempPathFactory, text: str, encoding: str, crlf: bool
) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    body = text.replace("\n", "\r\n") if crlf else text
    path = folder / "briefing.txt"
    try:
        path.write_bytes(body.encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(body.encode("utf-8", "replace"))
    result = load_files([path])
    report = result.briefings, result.report
    assert len(report[1]) == 1
    status = report[1]["status"].iloc[0]
    assert status in {"loaded", "skipped"}
    assert (status == "loaded") == (len(result.briefings) == 1)
    if status == "skipped":
        assert report[1]["reason"].iloc[0]


@SETTINGS
@given(
    records=st.lists(
        st.one_of(
            st.fixed_dictionaries(
                {"id": st.text(max_size=12), "text": hostile_text, "date": st.text(max_size=30)}
            ),
            st.fixed_dictionaries({"body": st.one_of(st.none(), st.integers(), hostile_text)}),
            st.just("{broken json"),
            st.just(""),
        ),
        max_size=12,
    )
)
def test_load_files_accounts_for_every_jsonl_line(
    tmp_path_factory: pytest.TempPathFactory, records: list[object]
) -> None:
    folder = tmp_path_factory.mktemp("jsonl")
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path = folder / "feed.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = load_files([path])
    report = result.report
    non_blank = sum(1 for line in lines if line.strip())
    per_row = report[report["row"].notna()]
    if non_blank:
        # One report row per non-blank line: loaded, or skipped with its reason.
        assert len(per_row) == non_blank
        assert (per_row["status"] == "loaded").sum() == len(result.briefings)
        skipped = per_row[per_row["status"] == "skipped"]
        assert skipped["reason"].str.len().gt(0).all()
    else:
        assert result.briefings.empty
        assert report["status"].tolist() == ["skipped"]


def test_load_files_skips_binary_file_with_reason(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 40)
    result = load_files([path])
    assert result.briefings.empty
    assert result.report["status"].tolist() == ["skipped"]
    assert "binary" in result.report["reason"].iloc[0]


def test_load_files_keeps_a_huge_single_line(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("What's Happening?\n" + "Japan " * 200_000 + "\n", encoding="utf-8")
    result = load_files([path])
    assert len(result.briefings) == 1
    assert result.briefings[S.HAPPENING].iloc[0].count("Japan") == 200_000


@SETTINGS
@given(texts=st.lists(hostile_text, min_size=1, max_size=4), title=hostile_text)
def test_extract_mentions_never_crashes_and_spans_point_at_the_surface(
    texts: list[str], title: str
) -> None:
    import pandas as pd

    from analytics.countries import extract_mentions
    from analytics.text import segment_table

    briefings = pd.DataFrame(
        {
            S.BRIEFING_ID: [f"b{i}" for i in range(len(texts))],
            S.DATE: pd.Timestamp("2025-11-25", tz="UTC"),
            S.TITLE: title,
            S.TEXT: [f"Japan and China. {text} Talks in Tokyo." for text in texts],
            S.HAPPENING: "",
            S.IMPORTANCE: "",
            S.NEXT: "",
        }
    )
    mentions = extract_mentions(briefings)
    segments = segment_table(briefings).set_index([S.BRIEFING_ID, S.SECTION])[S.TEXT]
    for row in mentions.itertuples(index=False):
        segment = segments.loc[(row.briefing_id, row.section)]
        assert segment[row.start : row.end] == row.surface
    bodies = mentions[mentions[S.SECTION] == S.SECTION_BODY]
    assert set(bodies[S.BRIEFING_ID]) == set(briefings[S.BRIEFING_ID])
    assert {"JPN", "CHN"} <= set(bodies[S.ISO3])


# -- #12: bad input never stops a load -------------------------------------------------


def _reasons(result: LoadResult) -> dict[tuple[str, object], str]:
    """Reason by (file, row) of a load report; a whole file's row is None."""
    report = result.report
    rows = report["row"].astype(object).where(report["row"].notna(), None)
    return dict(zip(zip(report["file"], rows, strict=True), report["reason"], strict=True))


def test_load_files_skips_a_deeply_nested_jsonl_record_and_keeps_the_rest(tmp_path: Path) -> None:
    deep = '{"text": "x", "extra": ' + "[" * 5000 + "]" * 5000 + "}"
    lines = ['{"id": "a", "text": "Alpha words."}', deep, '{"id": "b", "text": "Beta words."}']
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "other.txt").write_text("Other words.\n", encoding="utf-8")
    result = load_files([tmp_path / "feed.jsonl", tmp_path / "other.txt"])
    assert sorted(result.briefings[S.TEXT]) == ["Alpha words.", "Beta words.", "Other words."]
    assert _reasons(result)[("feed.jsonl", 2)] == "JSON nested deeper than 100 levels"


def test_load_files_skips_a_deeply_nested_json_array_item_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    deep = '{"text": "x", "extra": ' + "[" * 5000 + '"]"' + "]" * 5000 + "}"
    shallow = '{"text": "y", "extra": ' + "[" * 150 + "]" * 150 + "}"
    payload = f'[{{"id": "a", "text": "Alpha words."}}, {deep}, {shallow}, {{"text": "Beta."}}]'
    (tmp_path / "feed.json").write_text(payload, encoding="utf-8")
    result = load_files([tmp_path / "feed.json"])
    assert sorted(result.briefings[S.TEXT]) == ["Alpha words.", "Beta."]
    reasons = _reasons(result)
    assert reasons[("feed.json", 2)] == "JSON nested deeper than 100 levels"
    assert reasons[("feed.json", 3)] == "JSON nested deeper than 100 levels"


def test_load_files_nul_byte_skips_its_row_not_the_file(tmp_path: Path) -> None:
    rows = [f"r-{n},Row number {n} of the feed." for n in range(1, 1001)]
    rows[499] = "r-500,Row number\x00 500 of the feed."
    (tmp_path / "feed.csv").write_text("id,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = load_files([tmp_path / "feed.csv"])
    assert len(result.briefings) == 999
    assert "r-500" not in set(result.briefings[S.BRIEFING_ID])
    assert _reasons(result)[("feed.csv", 500)] == "a cell holds a NUL byte (damaged data)"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"], ids=["little", "big"])
def test_load_files_reads_utf16_without_bom(tmp_path: Path, encoding: str) -> None:
    text = "What's Happening?\nTalks in Tokyo resumed on Monday.\n"
    (tmp_path / "memo.txt").write_bytes(text.encode(encoding))
    result = load_files([tmp_path / "memo.txt"])
    assert result.briefings[S.HAPPENING].tolist() == ["Talks in Tokyo resumed on Monday."]
    assert result.report["reason"].tolist() == [
        f"dated by the file's modification time; decoded as {encoding}"
    ]


def test_load_files_rejects_random_high_bytes_as_binary(tmp_path: Path) -> None:
    noise = np.random.default_rng(0).integers(128, 256, size=100_000, dtype=np.uint8)
    (tmp_path / "noise.txt").write_bytes(noise.tobytes())
    result = load_files([tmp_path / "noise.txt"])
    assert result.briefings.empty
    assert result.report["reason"].tolist() == ["binary file (control characters)"]


# -- #12: security: symbolic links, paths and content in messages --------------------


def test_load_corpus_does_not_follow_a_link_out_of_the_input_folder(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:secret words\n", encoding="utf-8")
    folder = tmp_path / "inputs"
    (folder / "sub").mkdir(parents=True)
    (folder / "real.txt").write_text("Real words.\n", encoding="utf-8")
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "elsewhere").symlink_to(secret.parent, target_is_directory=True)
    (folder / "sub" / "inside.txt").symlink_to(folder / "real.txt")
    result = load_corpus_with_report([folder])
    assert result.briefings[S.TEXT].tolist() == ["Real words."]
    report = result.report.set_index("file")
    link_out = "symbolic link leading outside the input folder; not followed"
    assert report.loc["passwd.txt", "reason"] == link_out
    assert report.loc["elsewhere", "reason"] == link_out
    assert report.loc["sub/inside.txt", "status"] == "duplicate"  # a link inside is read
    assert not result.report["file"].str.contains(str(tmp_path), regex=False).any()
    assert not result.report["reason"].str.contains("root:x", regex=False).any()


def test_load_files_reasons_never_quote_file_content(tmp_path: Path) -> None:
    (tmp_path / "passwd.csv").write_text("root:x:0:0:root:/root:/bin/bash\nx\n", encoding="utf-8")
    result = load_files([tmp_path / "passwd.csv"])
    assert result.report["reason"].tolist() == [
        "no text column (looked for text, body, content, summary, article, description, "
        "story; found 1 other columns)"
    ]


def test_load_corpus_of_an_upload_never_names_its_server_folder(tmp_path: Path) -> None:
    staged = tmp_path / "upload-3f9c"
    staged.mkdir()
    (staged / "empty.txt").write_bytes(b"")
    with pytest.raises(
        EmptyCorpusError, match=r"empty\.txt: empty file\); got \['empty\.txt'\]$"
    ) as caught:
        load_corpus_with_report([staged / "empty.txt"])
    assert str(tmp_path) not in str(caught.value)


# -- #12: the per-briefing size cap ---------------------------------------------------


def test_load_files_skips_a_briefing_over_the_size_cap_saying_how_to_raise_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = "Japan " * 200_000  # 1.2 MB
    (tmp_path / "big.txt").write_text(big, encoding="utf-8")
    (tmp_path / "feed.csv").write_text(f"id,text\nsmall,Small words.\nlarge,{big}\n", "utf-8")
    files = [tmp_path / "big.txt", tmp_path / "feed.csv"]
    result = load_files(files, max_briefing_mb=1)
    assert result.briefings[S.BRIEFING_ID].tolist() == ["small"]
    reasons = _reasons(result)
    expected = (
        "briefing is 1.1 MB, over the limit of 1 MB "
        "(set BRIEFING_ATLAS_MAX_BRIEFING_MB to raise it)"
    )
    assert reasons[("big.txt", None)] == expected
    assert reasons[("feed.csv", 2)] == expected
    monkeypatch.setenv("BRIEFING_ATLAS_MAX_BRIEFING_MB", "2")
    assert len(load_files(files).briefings) == 3
    monkeypatch.setenv("BRIEFING_ATLAS_MAX_BRIEFING_MB", "1")
    assert len(load_files(files).briefings) == 1
    assert len(load_files(files, max_briefing_mb=2).briefings) == 3  # the keyword wins


@pytest.mark.parametrize(
    "value", ["0", "-3", "lots", "inf"], ids=["zero", "negative", "word", "inf"]
)
def test_load_files_refuses_a_bad_size_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("BRIEFING_ATLAS_MAX_BRIEFING_MB", value)
    with pytest.raises(InputError, match=rf"must be a positive number of MB; got '{value}'"):
        load_files([])


def test_load_files_reads_a_parquet_text_column_of_bytes_and_skips_undecodable_rows(
    tmp_path: Path,
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": ["p-1", "p-2", "p-3"],
            "text": [b"Talks in Oslo.", b"\xff\xfe damaged", "Caf\u00e9 in Bern.".encode()],
            "note": [b"first", b"second", b"\x80"],
        }
    )
    pq.write_table(table, tmp_path / "bytes.parquet")
    (tmp_path / "other.txt").write_text("What's Happening?\nTalks in Rome.\n", encoding="utf-8")
    result = load_files([tmp_path / "bytes.parquet", tmp_path / "other.txt"])
    texts = dict(zip(result.briefings[S.BRIEFING_ID], result.briefings[S.TEXT], strict=True))
    assert texts["p-1"] == "Talks in Oslo."
    assert "p-2" not in texts and "p-3" not in texts
    assert "Talks in Rome." in texts.values()
    reasons = _reasons(result)
    assert (
        reasons[("bytes.parquet", 2)] == "a cell holds bytes that are not UTF-8 text (damaged data)"
    )
    assert (
        reasons[("bytes.parquet", 3)] == "a cell holds bytes that are not UTF-8 text (damaged data)"
    )
    assert result.briefings.loc[result.briefings[S.BRIEFING_ID] == "p-1", "note"].tolist() == [
        "first"
    ]


def test_load_files_names_a_csv_row_whose_quote_is_never_closed(tmp_path: Path) -> None:
    # The quote opened in row 2 runs to the end of the file, taking rows 3 and 4 into it:
    # the row is skipped with that reason instead of loading them as one briefing.
    (tmp_path / "desk.csv").write_text(
        'id,text\nc-1,Talks in Oslo.\nc-2,"Talks in Bern\nc-3,Talks in Rome.\nc-4,Talks in Nice.\n',
        encoding="utf-8",
    )
    result = load_files([tmp_path / "desk.csv"])
    assert result.briefings[S.BRIEFING_ID].tolist() == ["c-1"]
    assert _reasons(result)[("desk.csv", 2)] == (
        "a quote opened in this row is never closed: it takes in the rest of the file (lines 3-5)"
    )


def test_load_files_keeps_a_last_csv_row_with_a_closed_multiline_quote(tmp_path: Path) -> None:
    (tmp_path / "desk.csv").write_text(
        'id,text\nc-1,Talks in Oslo.\nc-2,"Talks in Bern\nwent on."\n', encoding="utf-8"
    )
    result = load_files([tmp_path / "desk.csv"])
    assert result.briefings[S.TEXT].tolist() == ["Talks in Oslo.", "Talks in Bern\nwent on."]
