"""A store read lean (``pipeline.lean``) gives the views exactly what the store read whole
gives them: the same selections, tables, codes, reader rows, search hits and follow-up,
for many filter combinations."""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from legacy_stores import write_legacy_store
from sample_selections import filter_choices, store_in_two_ingests

from analytics import schema as S
from analytics import settings as analytics_settings
from analytics.artefacts import (
    FOLLOW_UP_READS,
    FOLLOW_UP_TEXTS,
    follow_up_tables,
    follow_up_texts,
    in_briefing_order,
    positions_in,
    rows_of_briefings,
    table_rows,
    with_read_columns,
)
from analytics.errors import InputError, StoreError
from analytics.frames import expanded
from analytics.pipeline import Store, ensure_store, open_store, open_text_index, vacuum_store
from analytics.pipeline.follow_ups import follow_up_key, follow_up_of
from analytics.pipeline.lean import (
    FOLLOW_UP_FILE,
    LEAN_COLUMNS,
    LEAN_DIR,
    can_read_lean,
    follow_up_positions,
    lean_key,
    mapped_follow_up,
    read_kept,
    read_lean,
    with_dictionaries,
)
from analytics.views import (
    HELD_EVENT_COLUMNS,
    HORIZONS,
    BriefingListing,
    FilteredCorpus,
    Filters,
    briefing_record,
    corpus_figures,
    country_names,
    event_lookup,
    event_record,
    event_table,
    evidence_for,
    filter_options,
    follow_up_counts,
    followed_events,
    held_events,
    index_corpus,
    later_events,
    latest_day,
    overdue_events,
    overdue_list,
    reader_page,
    reader_pages,
    selected_events,
    timeline_rows,
    upcoming_events,
    with_event_texts,
)
from analytics.watchlist import follow_up, report_mentions

# The tables a view reads with the columns a lean corpus holds of them.
HELD = {
    "briefings": list(LEAN_COLUMNS["briefings"] or ()),
    "headers": None,
    "countries": list(LEAN_COLUMNS["countries"] or ()),
    "topics": None,
    "topic_summary": None,
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, project_root: Path) -> Store:
    """The sample corpus stored in two ingests, so every table was appended to once."""
    return store_in_two_ingests(tmp_path_factory.mktemp("lean"), project_root)


@pytest.fixture(scope="module")
def both(store: Store) -> tuple:
    """The store read whole and read lean, each with its index and the store's text index."""
    text_index = open_text_index(store)
    whole = dataclasses.replace(store.artefacts(), text_index=text_index)
    lean = dataclasses.replace(read_lean(open_store(store.path)), text_index=text_index)
    return whole, index_corpus(whole), lean, index_corpus(lean)


def assert_same_views(both: tuple, filters: Filters) -> None:
    whole, whole_index, lean, lean_index = both
    in_memory = FilteredCorpus(whole, filters, whole_index)
    read_lean_ = FilteredCorpus(lean, filters, lean_index)
    np.testing.assert_array_equal(read_lean_.keep, in_memory.keep)
    for name, columns in HELD.items():
        expected = getattr(in_memory, name)
        pd.testing.assert_frame_equal(
            getattr(read_lean_, name), expected if columns is None else expected[columns]
        )
    # The interactions' other columns are read for exactly the rows the view holds.
    pd.testing.assert_frame_equal(
        with_read_columns(lean, "interactions", read_lean_.interactions),
        in_memory.interactions,
    )
    for name in ("briefings", "mentions", "countries", "topics", "interactions"):
        np.testing.assert_array_equal(read_lean_.rows(name), in_memory.rows(name))
    for name in ("mentions", "countries", "topics", "interactions"):
        lean_codes, memory_codes = read_lean_.codes(name), in_memory.codes(name)
        np.testing.assert_array_equal(lean_codes.briefing, memory_codes.briefing)
        for part in ("country", "partner"):
            left, right = getattr(lean_codes, part), getattr(memory_codes, part)
            assert (left is None) == (right is None)
            if left is not None:
                np.testing.assert_array_equal(left, right)
        assert list(lean_codes.iso3s) == list(memory_codes.iso3s)


def test_the_lean_tables_hold_only_their_columns(both: tuple, store: Store) -> None:
    whole, _, lean, _ = both
    assert list(lean.briefings.columns) == [S.BRIEFING_ID, S.DATE, S.TITLE, S.SOURCE]
    assert list(lean.mentions.columns) == [] and len(lean.mentions) == len(whole.mentions)
    assert list(lean.watchlist.columns) == [] and len(lean.watchlist) == len(whole.watchlist)
    assert S.SENTENCE not in lean.interactions.columns
    # Each interaction carries its table position, to read its sentence when shown.
    assert lean.interactions[S.TABLE_ROW].tolist() == list(range(len(whole.interactions)))
    # The report holds the inputs that were not loaded: what the views show and count.
    not_loaded = whole.report[whole.report[S.STATUS] != S.LOADED].reset_index(drop=True)
    pd.testing.assert_frame_equal(lean.report, not_loaded)
    assert can_read_lean(store)


def test_the_lean_report_keeps_the_briefings_loaded_with_a_note(tmp_path: Path) -> None:
    # A day that reads either way is loaded with a note; read lean, the report kept only
    # the inputs not loaded, and the Overview neither counted nor listed the note.
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "days.csv").write_text(
        "id,text,date\n"
        "a,France and Spain sign a fisheries pact.,03/04/2024\n"
        "b,Italy and Greece open a ferry line.,2024-05-06\n"
        "c,,2024-05-07\n",
        encoding="utf-8",
    )
    stored, _ = ensure_store([tmp_path / "in"], tmp_path / "store", n_topics=1)
    whole, lean = stored.artefacts(), read_lean(open_store(stored.path))
    assert lean.report[[S.BRIEFING_ID, S.STATUS]].fillna("-").values.tolist() == [
        ["a", S.LOADED],
        ["-", S.SKIPPED],
    ]
    assert (corpus_figures(lean).n_noted, corpus_figures(lean).n_skipped) == (1, 1)
    assert corpus_figures(lean) == corpus_figures(whole)


DAYS = [None, date(2023, 1, 1), date(2024, 1, 1), date(2024, 7, 15), date(2030, 1, 1)]
# "a" and "zz" are scanned for (too short for the text index); the others are looked up.
WORDS = ["", "china", "TRADE talks", "a", "zz", "sanction a"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_lean_and_whole_give_the_same_views(both: tuple, data: st.DataObject) -> None:
    assert_same_views(both, data.draw(filter_choices(both[0], DAYS, WORDS)))


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(section="title"),
        Filters(countries=("CHN", "USA"), country_match="all", section="happening"),
        Filters(search="a", end=date(2024, 6, 1)),
        Filters(start=date(2030, 1, 1)),
    ],
    ids=["nothing", "a-section", "two-countries-all-section", "scanned-word", "no-briefing"],
)
def test_chosen_filters_agree(both: tuple, filters: Filters) -> None:
    assert_same_views(both, filters)


def test_a_scan_reads_the_texts_from_the_store(both: tuple) -> None:
    whole, whole_index, _, lean_index = both
    # "q" is no indexed word: both scan, one the texts in memory, one the store's files.
    expected = whole_index.haystack.str.contains("q", regex=False).to_numpy(dtype=bool)
    assert 0 < expected.sum() < len(whole.briefings)
    np.testing.assert_array_equal(lean_index.scan(["q"]), expected)
    with pytest.raises(InputError, match="a lean corpus holds no texts to scan"):
        _ = lean_index.haystack


def test_the_corpus_extras_are_the_same(both: tuple) -> None:
    whole, _, lean, _ = both
    assert filter_options(lean) == filter_options(whole)
    assert country_names(lean) == country_names(whole)
    assert corpus_figures(lean) == corpus_figures(whole)
    listed, expected = BriefingListing(lean), BriefingListing(whole)
    np.testing.assert_array_equal(listed.order, expected.order)
    pd.testing.assert_frame_equal(listed.rows(listed.order), expected.rows(expected.order))


@pytest.mark.parametrize("section", [None, "happening"], ids=["all-sections", "one-section"])
def test_the_reader_shows_the_same_briefing(both: tuple, section: str | None) -> None:
    whole, whole_index, lean, lean_index = both
    filters = Filters(section=section)
    for position in (0, 57, len(whole.briefings) - 1):
        briefing_id = str(whole.briefings[S.BRIEFING_ID].iloc[position])
        assert briefing_record(lean, briefing_id) == briefing_record(whole, briefing_id)
        one = FilteredCorpus(lean, filters, lean_index).only_briefing(briefing_id)
        expected = FilteredCorpus(whole, filters, whole_index).only_briefing(briefing_id)
        for name in ("briefings", "mentions", "interactions"):
            pd.testing.assert_frame_equal(getattr(one, name), getattr(expected, name))
        layout = reader_pages(one, briefing_id)
        assert layout == reader_pages(expected, briefing_id)
        assert reader_page(one, briefing_id, layout, 1) == reader_page(
            expected, briefing_id, layout, 1
        )
    assert briefing_record(lean, "no-such-briefing") == {}


def test_evidence_rows_get_their_sentences(both: tuple) -> None:
    whole, _, lean, _ = both
    first = whole.interactions.iloc[0]
    pair = (str(first[S.COUNTRY_A]), str(first[S.COUNTRY_B]))
    chosen = evidence_for(lean.interactions, pair=pair)
    expected = evidence_for(whole.interactions, pair=pair)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(with_read_columns(lean, "interactions", chosen), expected)
    # Rows of a table in memory have every column already.
    assert with_read_columns(whole, "interactions", expected) is expected


def test_table_rows_read_every_column_in_the_asked_order(both: tuple) -> None:
    whole, _, lean, _ = both
    positions = np.array([5, 0, 3])
    for name in ("briefings", "mentions", "watchlist"):
        expected = getattr(whole, name).iloc[positions].reset_index(drop=True)
        pd.testing.assert_frame_equal(table_rows(lean, name, positions), expected)
        pd.testing.assert_frame_equal(table_rows(whole, name, positions), expected)


def test_table_rows_read_only_the_columns_asked_that_the_table_has(both: tuple) -> None:
    whole, _, lean, _ = both
    positions = np.array([5, 0, 3])
    expected = whole.briefings[[S.TEXT, S.HAPPENING]].iloc[positions].reset_index(drop=True)
    for corpus in (lean, whole):
        got = table_rows(corpus, "briefings", positions, [S.TEXT, "no such column", S.HAPPENING])
        pd.testing.assert_frame_equal(got, expected)


def test_the_follow_up_is_the_same(both: tuple, store: Store) -> None:
    whole, _, lean, _ = both
    expected = followed_events(whole)
    # Worked out from the whole tables (and kept), then read back for the lean corpus.
    pd.testing.assert_frame_equal(follow_up_of(store.path, lean), expected)
    pd.testing.assert_frame_equal(follow_up_of(store.path, lean), expected)
    pd.testing.assert_frame_equal(followed_events(lean), expected)
    assert follow_up_tables(whole, report_mentions) is whole
    # Read lean, only the columns the follow-up reads come from the store ...
    read = follow_up_tables(lean, report_mentions)
    for name, columns in FOLLOW_UP_READS.items():
        table = getattr(read, name)
        assert list(table.columns) == list(columns or getattr(whole, name).columns), name
    # ... every briefing (its texts are read by row), the mentions that can place a
    # report in their order, every event.
    assert len(read.briefings) == len(whole.briefings)
    columns = list(FOLLOW_UP_READS["mentions"] or ())
    expected_mentions = report_mentions(whole.mentions)[columns].reset_index(drop=True)
    assert 0 < len(read.mentions) < len(whole.mentions)
    # ... held compact: the strings as categories, the same values.
    assert {str(read.mentions[c].dtype) for c in (S.BRIEFING_ID, S.SECTION, S.ISO3)} == {"category"}
    pd.testing.assert_frame_equal(expanded(read.mentions), expected_mentions)
    assert len(read.watchlist) == len(whole.watchlist)
    assert follow_up_texts(whole) is None
    texts_at = follow_up_texts(lean)
    assert texts_at is not None
    pd.testing.assert_frame_equal(
        texts_at(np.array([4, 1])),
        whole.briefings.iloc[[4, 1]][list(FOLLOW_UP_TEXTS)].reset_index(drop=True),
    )
    for stretch in (40, 1_000):
        with analytics_settings.override(watchlist_follow_up_briefings=stretch):
            pd.testing.assert_frame_equal(
                follow_up(read.watchlist, read.briefings, read.mentions, texts_at=texts_at),
                expected,
            )


def test_a_store_of_parquet_parts_is_not_read_lean(store: Store, tmp_path: Path) -> None:
    legacy = open_store(write_legacy_store(store, tmp_path / "legacy", store_format=2))
    assert not can_read_lean(legacy)
    with pytest.raises(StoreError, match="read lean from Delta tables.*got format 2"):
        read_lean(legacy)


def test_the_first_reader_keeps_the_lean_tables_and_later_ones_map_them(
    store: Store, tmp_path: Path
) -> None:
    copy = _copied(store, tmp_path)
    shutil.rmtree(copy / LEAN_DIR, ignore_errors=True)
    opened = open_store(copy)
    first = read_lean(opened)
    folder = copy / LEAN_DIR / lean_key(opened.meta)
    assert sorted(p.name for p in folder.iterdir())[:3] == [
        "briefings.arrow",
        "countries.arrow",
        "interactions.arrow",
    ]
    assert read_kept(opened) is not None
    again = read_lean(open_store(copy))
    for name in ("briefings", "report", "countries", "topics", "topic_summary", "interactions"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(first, name))
    assert again.lookups is not None and first.lookups is not None
    for name in ("mentions", "countries", "interactions"):
        np.testing.assert_array_equal(again.lookups.positions[name], first.lookups.positions[name])
    np.testing.assert_array_equal(
        again.lookups.sections["mentions"], first.lookups.sections["mentions"]
    )
    assert list(again.lookups.iso3s) == list(first.lookups.iso3s)


def test_a_damaged_kept_folder_is_read_from_the_store_again(store: Store, tmp_path: Path) -> None:
    copy = _copied(store, tmp_path)
    opened = open_store(copy)
    read_lean(opened)
    folder = copy / LEAN_DIR / lean_key(opened.meta)
    (folder / "countries.arrow").write_bytes(b"not arrow")
    assert read_kept(opened) is None
    again = read_lean(open_store(copy))  # read from the store and kept again
    pd.testing.assert_frame_equal(again.countries, store.artefacts().countries[HELD["countries"]])
    assert read_kept(opened) is not None


def test_a_store_that_cannot_be_written_to_is_read_lean_all_the_same(
    store: Store, tmp_path: Path, monkeypatch
) -> None:
    copy = _copied(store, tmp_path)
    shutil.rmtree(copy / LEAN_DIR, ignore_errors=True)

    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr("analytics.pipeline.lean._write_arrow", refuse)
    artefacts = read_lean(open_store(copy))
    assert not (copy / LEAN_DIR).exists() or not any((copy / LEAN_DIR).iterdir())
    whole = store.artefacts()
    pd.testing.assert_frame_equal(artefacts.briefings, whole.briefings[HELD["briefings"]])
    index = index_corpus(artefacts)
    expected = index_corpus(whole)
    np.testing.assert_array_equal(index.positions["mentions"], expected.positions["mentions"])


def test_vacuum_keeps_the_lean_tables_of_kept_generations_only(
    store: Store, tmp_path: Path
) -> None:
    copy = _copied(store, tmp_path)
    # As if kept for a generation an earlier vacuum removed.
    (copy / LEAN_DIR / "0123456789abcdef01234567").mkdir(parents=True)
    current = open_store(copy)
    read_lean(current)
    vacuum_store(copy, keep=2)
    # Both generations' (each ingest kept its own), not the removed one's.
    kept = {lean_key(read_generation_meta(current, 1)), lean_key(current.meta)}
    assert {p.name for p in (copy / LEAN_DIR).iterdir()} == kept


def assert_same_kept(left, right) -> None:
    """Two kept lean folders' tables and lookups hold the same values."""
    for name in ("briefings", "report", "countries", "topics", "topic_summary", "interactions"):
        pd.testing.assert_frame_equal(getattr(left, name), getattr(right, name))
    for kind in ("positions", "codes", "sections"):
        held, expected = getattr(left.lookups, kind), getattr(right.lookups, kind)
        assert sorted(held) == sorted(expected)
        for name in expected:
            assert held[name].dtype == expected[name].dtype, (kind, name)
            np.testing.assert_array_equal(held[name], expected[name])
    assert list(left.lookups.iso3s) == list(right.lookups.iso3s)
    assert left.lookups.named_sections == right.lookups.named_sections


def refuse_to_build(monkeypatch) -> None:
    """Make reading the lean columns from the store fail: a reader must map a kept folder."""

    def refuse(*args, **kwargs):
        raise AssertionError("the lean tables were read from the store again")

    monkeypatch.setattr("analytics.pipeline.lean._lean_table", refuse)
    monkeypatch.setattr("analytics.pipeline.lean.file_lookups", refuse)


def test_an_ingest_keeps_the_lean_tables_of_its_generation(
    tmp_path: Path, project_root: Path, monkeypatch
) -> None:
    stored = store_in_two_ingests(tmp_path, project_root)
    # Each ingest kept its own generation's folder: the first read whole, the second appended.
    keys = {lean_key(meta) for meta in (read_generation_meta(stored, 1), stored.meta)}
    assert {p.name for p in (stored.path / LEAN_DIR).iterdir()} == keys
    refuse_to_build(monkeypatch)
    mapped = read_lean(open_store(stored.path))  # no reading, no building: mapped
    assert len(mapped.briefings) == stored.table_rows("briefings") == 160  # sample files


def read_generation_meta(store: Store, number: int) -> dict:
    import json

    return json.loads((store.path / f"gen-{number:06d}" / "meta.json").read_text())


def test_the_appended_lean_tables_are_those_a_reader_builds(store: Store, tmp_path: Path) -> None:
    copy = _copied(store, tmp_path)
    opened = open_store(copy)
    appended = read_kept(opened)  # kept by the second ingest from the first one's folder
    assert appended is not None
    shutil.rmtree(copy / LEAN_DIR)
    assert_same_kept(appended, read_lean(open_store(copy)))


def test_a_new_country_renumbers_the_kept_codes(tmp_path: Path, project_root: Path) -> None:
    # The second ingest brings a country the first did not name (Iceland, in no sample file).
    first = tmp_path / "first"
    first.mkdir()
    for name in ("a1.txt", "a2.txt"):
        shutil.copy(project_root / "tests" / "fixtures" / "store" / name, first / name)
    second = tmp_path / "second"
    second.mkdir()
    (second / "iceland.txt").write_text(
        "Date: 2024-05-02\n\nWhat's Happening?\nIceland and Albania signed a fisheries pact.\n\n"
        "Why It's Important?\nIceland seeks partners.\n\nWhat's Next?\nTalks will follow.\n",
        encoding="utf-8",
    )
    ensure_store([first], tmp_path / "store")
    before = read_kept(open_store(tmp_path / "store"))
    stored, _ = ensure_store([second], tmp_path / "store", add=True)
    after = read_kept(stored)
    assert before is not None and after is not None
    assert "ISL" not in set(before.lookups.iso3s) and "ISL" in set(after.lookups.iso3s)
    shutil.rmtree(stored.path / LEAN_DIR)
    assert_same_kept(after, read_lean(open_store(stored.path)))


def test_a_partial_kept_folder_is_rebuilt_by_the_reader(store: Store, tmp_path: Path) -> None:
    copy = _copied(store, tmp_path)
    opened = open_store(copy)
    folder = copy / LEAN_DIR / lean_key(opened.meta)
    expected = read_kept(opened)
    # As if the writer died before the last file: the folder is not trusted but rebuilt.
    (folder / "lookups-mentions.arrow").unlink()
    assert read_kept(opened) is None
    assert_same_kept(read_lean(open_store(copy)), expected)
    assert (folder / "lookups-mentions.arrow").is_file()
    # A half-written temporary folder beside it is never read, and vacuum removes it.
    (copy / LEAN_DIR / f".{folder.name}.999999.tmp").mkdir()
    assert_same_kept(read_lean(open_store(copy)), expected)
    vacuum_store(copy, keep=2)
    assert folder.name in {p.name for p in (copy / LEAN_DIR).iterdir()}
    assert not (copy / LEAN_DIR / f".{folder.name}.999999.tmp").exists()


def test_a_killed_keep_leaves_the_store_readable(
    tmp_path: Path, project_root: Path, monkeypatch
) -> None:
    # The ingest's generation is current before its lean tables are kept: a write that dies
    # there leaves no folder, and the first reader reads and keeps it as before.
    def die(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("analytics.pipeline.lean._write_arrow", die)
    with pytest.raises(KeyboardInterrupt):
        ensure_store([project_root / "tests" / "fixtures" / "store"], tmp_path / "store")
    monkeypatch.undo()
    opened = open_store(tmp_path / "store")
    assert opened.table_rows("briefings") == 4
    # Only the half-written temporary folder, which no reader trusts (vacuum removes it).
    folder = tmp_path / "store" / LEAN_DIR / lean_key(opened.meta)
    assert [p.name.startswith(f".{folder.name}.") for p in folder.parent.iterdir()] == [True]
    assert read_kept(opened) is None
    assert len(read_lean(opened).briefings) == 4
    assert read_kept(opened) is not None


def test_an_ingest_into_a_read_only_folder_says_the_lean_tables_were_not_kept(
    tmp_path: Path, project_root: Path, monkeypatch
) -> None:
    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr("analytics.pipeline.lean._write_arrow", refuse)
    _, summary = ensure_store([project_root / "tests" / "fixtures" / "store"], tmp_path / "s")
    assert "lean tables were not kept" in summary.describe()
    assert "lean" in summary.stage_seconds


def _copied(store: Store, tmp_path: Path) -> Path:
    """A copy of the fixture store that a test may change."""
    copy = tmp_path / "store"
    shutil.copytree(store.path, copy)
    return copy


def test_the_follow_up_is_mapped_from_the_kept_folder(
    both: tuple, store: Store, tmp_path: Path, monkeypatch
) -> None:
    whole = both[0]
    copy = _copied(store, tmp_path)
    opened = open_store(copy)
    texts = mapped_follow_up(read_lean(opened))
    # The columns of few values are kept as dictionaries: the same values.
    assert [n for n in texts.column_names if pa.types.is_dictionary(texts[n].type)] == [
        S.COUNTRIES,
        S.EVENT_TYPE,
        S.CERTAINTY,
        S.WHEN,
        S.FOLLOW_UP,
    ]
    pd.testing.assert_frame_equal(expanded(texts.to_pandas()), followed_events(whole))
    folder = copy / LEAN_DIR / lean_key(opened.meta)
    name = FOLLOW_UP_FILE.format(key=follow_up_key(opened.fingerprint))
    assert (folder / name).is_file()

    def refuse(*args, **kwargs):
        raise AssertionError("the follow-up was read from the store again")

    monkeypatch.setattr("analytics.pipeline.follow_ups.follow_up_of", refuse)
    assert mapped_follow_up(read_lean(open_store(copy))).equals(texts)
    # A file cut short is not trusted: the follow-up is read again and the file rewritten.
    # (Another file renamed over it: a process that maps the old one keeps reading that.)
    (folder / "cut").write_bytes((folder / name).read_bytes()[:100])
    (folder / "cut").replace(folder / name)
    monkeypatch.undo()
    assert mapped_follow_up(read_lean(open_store(copy))).equals(texts)
    # A file written before the dictionaries (every column strings) is written again.
    plain = texts.cast(
        pa.schema(
            [
                pa.field(f.name, pa.large_string()) if pa.types.is_dictionary(f.type) else f
                for f in texts.schema
            ]
        )
    )
    with (
        pa.OSFile(str(folder / "plain"), "wb") as sink,
        pa.ipc.new_file(sink, plain.schema) as writer,
    ):
        writer.write_table(plain)
    (folder / "plain").replace(folder / name)
    again = mapped_follow_up(read_lean(open_store(copy)))
    assert again.equals(texts)
    assert pa.types.is_dictionary(
        pa.ipc.open_file(str(folder / name)).schema.field(S.FOLLOW_UP).type
    )


def test_the_kept_follow_up_holds_its_columns_of_few_values_in_narrow_dictionaries() -> None:
    # 3 event types (a byte a row), 200 lists of countries (two bytes), a missing value kept.
    rows = 400
    followed = pd.DataFrame(
        {column: [f"{column}-{i}" for i in range(rows)] for column in S.FOLLOW_UP_COLUMNS}
    )
    followed[S.EVENT_TYPE] = ["visit", "talks", None, "vote"] * (rows // 4)
    followed[S.COUNTRIES] = [f"USA|C{i % 200:03d}" for i in range(rows)]
    table = pa.Table.from_pandas(followed, preserve_index=False)
    kept = with_dictionaries(table)
    assert kept[S.EVENT_TYPE].type == pa.dictionary(pa.int8(), pa.large_string())
    assert kept[S.COUNTRIES].type == pa.dictionary(pa.int16(), pa.large_string())
    assert kept[S.EVENT_TYPE].null_count == rows // 4
    assert kept[S.SENTENCE].type == table[S.SENTENCE].type
    pd.testing.assert_frame_equal(expanded(kept.to_pandas()), followed)
    assert with_dictionaries(kept).equals(kept)


@pytest.mark.parametrize("told", [None, True], ids=["looked-at", "told"])
def test_rows_of_briefings_bisect_rows_in_briefing_order(told) -> None:
    # Rows of briefings -1 (unknown id), 0, 0, 2, 2, 2, 5; asked for 2, 0, 2 and 3 (none).
    positions = np.array([-1, 0, 0, 2, 2, 2, 5])
    assert in_briefing_order(positions)
    assert rows_of_briefings(positions, np.array([2, 0, 2, 3]), told).tolist() == [1, 2, 3, 4, 5]
    assert rows_of_briefings(positions, np.array([5]), told).tolist() == [6]
    assert rows_of_briefings(positions, np.array([], dtype=np.int64), told).tolist() == []
    assert rows_of_briefings(positions[:0], np.array([1]), told).tolist() == []
    # Positions kept in 32 bits (a lean folder's mentions) give the same rows; a position
    # beyond them is no row.
    narrow = positions.astype(np.int32)
    asked = np.array([2, 0, 2, 3, 2**40])
    assert rows_of_briefings(narrow, asked, told).tolist() == [1, 2, 3, 4, 5]


def test_rows_of_briefings_scan_rows_out_of_order() -> None:
    positions = np.array([2, 0, 5, 0, 2])
    assert not in_briefing_order(positions)
    assert rows_of_briefings(positions, np.array([0, 2])).tolist() == [0, 1, 3, 4]
    assert rows_of_briefings(positions, np.array([0, 2]), False).tolist() == [0, 1, 3, 4]


def test_the_kept_folder_records_which_tables_follow_their_briefings(
    store: Store, tmp_path: Path
) -> None:
    copy = _copied(store, tmp_path)
    opened = open_store(copy)
    kept = read_kept(opened)
    assert kept is not None and kept.lookups is not None
    expected = {
        name
        for name in ("briefings", "mentions", "countries", "topics", "interactions")
        if in_briefing_order(kept.lookups.positions[name])
    }
    assert kept.lookups.in_order == frozenset(expected)
    assert {"briefings", "mentions"} <= expected
    assert index_corpus(kept).in_order == kept.lookups.in_order
    # A folder kept before it was recorded: not known, looked at when needed.
    meta_path = copy / LEAN_DIR / lean_key(opened.meta) / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    del meta["in_order"]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    older = read_kept(open_store(copy))
    assert older is not None and older.lookups is not None and older.lookups.in_order is None


def test_the_events_briefing_positions_are_kept_beside_the_mapped_follow_up(
    both: tuple, store: Store, tmp_path: Path, monkeypatch
) -> None:
    whole = both[0]
    copy = _copied(store, tmp_path)
    lean = read_lean(open_store(copy))
    events = held_events(mapped_follow_up(lean))
    expected = positions_in(events[S.BRIEFING_ID], pd.Index(lean.briefings[S.BRIEFING_ID]))
    assert (expected >= 0).all() and len(expected) == len(followed_events(whole))
    positions = follow_up_positions(lean, events[S.BRIEFING_ID])
    assert positions.tolist() == expected.tolist()
    folder = copy / LEAN_DIR / lean_key(lean.reader.store.meta)
    kept = folder / FOLLOW_UP_FILE.format(key=follow_up_key(lean.fingerprint)).replace(
        ".arrow", "-positions.arrow"
    )
    assert kept.is_file()

    # A later reader maps them: nothing is looked up.
    def refuse(*args, **kwargs):
        raise AssertionError("the positions were looked up again")

    monkeypatch.setattr("analytics.pipeline.lean.positions_in", refuse)
    again = read_lean(open_store(copy))
    assert follow_up_positions(again, events[S.BRIEFING_ID]).tolist() == expected.tolist()
    # The lookup built from them is the one built by looking the ids up.
    looked_up = event_lookup(events, lean.briefings[S.BRIEFING_ID])
    given = event_lookup(
        events, lean.briefings[S.BRIEFING_ID], follow_up_positions(again, events[S.BRIEFING_ID])
    )
    assert given.positions.tolist() == looked_up.positions.tolist()
    assert given.event_of.tolist() == looked_up.event_of.tolist()
    monkeypatch.undo()
    # A file of other events (another length) is not trusted: looked up and kept again.
    pa.ipc.new_file(str(kept), pa.schema([("positions", pa.int64())])).close()
    assert (
        follow_up_positions(read_lean(open_store(copy)), events[S.BRIEFING_ID]).tolist()
        == expected.tolist()
    )
    assert pa.ipc.open_file(str(kept)).read_all().num_rows == len(events)


def test_the_follow_up_command_keeps_the_events_positions_for_the_dashboard(
    store: Store, tmp_path: Path
) -> None:
    from analytics.cli import main

    copy = _copied(store, tmp_path)
    for kept in (copy / LEAN_DIR).rglob("follow-up-*"):
        kept.unlink()
    shutil.rmtree(copy / "follow-up", ignore_errors=True)
    assert main(["follow-up", "--store", str(copy)]) == 0
    assert len(list((copy / LEAN_DIR).rglob("follow-up-*-positions.arrow"))) == 1


def test_only_a_lean_corpus_of_a_store_maps_its_follow_up(both: tuple) -> None:
    with pytest.raises(StoreError, match="mapped from the lean folder.*got a corpus held whole"):
        mapped_follow_up(both[0])


@pytest.mark.parametrize("dictionaries", [False, True], ids=["strings", "dictionaries"])
def test_held_events_take_their_texts_by_row(dictionaries: bool) -> None:
    # Three events, by hand; a view cut and sorted two of them (the third, then the first).
    followed = pd.DataFrame(
        {column: [f"{column}-{i}" for i in range(3)] for column in S.FOLLOW_UP_COLUMNS}
    )
    followed[S.COUNTRIES] = ["USA|CHN", None, "USA|CHN"]
    followed[S.WINDOW_START] = pd.to_datetime(["2026-03-02"] * 3)
    followed[S.WINDOW_END] = pd.to_datetime(["2026-03-08"] * 3)
    texts = pa.Table.from_pandas(followed, preserve_index=False)
    if dictionaries:  # as the kept file holds them
        for name in (S.COUNTRIES, S.EVENT_TYPE, S.FOLLOW_UP):
            at = texts.schema.get_field_index(name)
            texts = texts.set_column(at, name, texts[name].combine_chunks().dictionary_encode())
    held = held_events(texts)
    assert list(held.columns) == [*HELD_EVENT_COLUMNS, S.TABLE_ROW]
    assert held[S.TABLE_ROW].tolist() == [0, 1, 2]
    assert isinstance(held[S.EVENT_TYPE].dtype, pd.CategoricalDtype) == dictionaries
    # The countries split once per distinct list: a missing one is one empty code.
    lookup = event_lookup(held, pd.Series(["briefing_id-0", "briefing_id-2"]))
    assert lookup.positions.tolist() == [0, -1, 1]
    assert lookup.event_of.tolist() == [0, 0, 1, 2, 2]
    assert lookup.countries[lookup.country_of].tolist() == ["USA", "CHN", "", "USA", "CHN"]
    # What the page shows has strings, as events held whole do.
    timeline = timeline_rows(held, {"USA": "United States"})
    assert timeline[S.COUNTRY].tolist()[:2] == ["United States", "CHN"]
    assert timeline[S.EVENT_TYPE].dtype == followed[S.EVENT_TYPE].dtype
    listed = event_table(with_event_texts(held.iloc[[2]], texts), {})
    assert listed[S.FOLLOW_UP].tolist() == ["follow_up-2"]
    shown = held.iloc[[2, 0]]
    whole = with_event_texts(shown, texts)
    pd.testing.assert_frame_equal(whole, followed.iloc[[2, 0]].reset_index(drop=True))
    assert list(whole.columns) == list(S.FOLLOW_UP_COLUMNS)
    assert whole[S.SENTENCE].tolist() == ["sentence-2", "sentence-0"]
    assert whole[S.EVIDENCE].tolist() == ["evidence-2", "evidence-0"]
    assert later_events(shown, texts).n_rows == 2
    pd.testing.assert_frame_equal(later_events(shown, texts).build(), whole)
    assert event_record(held, 1, texts)[S.CUES] == "cues-1"
    # Events held whole are what they are.
    assert with_event_texts(followed, None) is followed


@pytest.mark.parametrize("countries", [(), ("USA",), ("USA", "CHN")], ids=["all", "one", "two"])
def test_events_held_lean_give_the_whole_tables(both: tuple, countries: tuple) -> None:
    whole = both[0]
    followed = followed_events(whole)
    texts = pa.Table.from_pandas(followed, preserve_index=False)
    held = held_events(texts)
    names = country_names(whole)
    as_of = latest_day(whole.briefings)
    kept = selected_events(followed, whole.briefings, countries, "any")
    lean = selected_events(held, whole.briefings, countries, "any")
    assert len(kept) > 0
    pd.testing.assert_frame_equal(with_event_texts(lean, texts), kept)
    for horizon in HORIZONS:
        upcoming = upcoming_events(lean, as_of, horizon)
        expected = upcoming_events(kept, as_of, horizon)
        pd.testing.assert_frame_equal(later_events(upcoming, texts).build(), expected)
        pd.testing.assert_frame_equal(
            timeline_rows(upcoming, names),
            timeline_rows(expected, names).drop(columns=[S.SENTENCE]),
        )
        pd.testing.assert_frame_equal(
            timeline_rows(with_event_texts(upcoming, texts), names), timeline_rows(expected, names)
        )
    overdue, expected = overdue_list(lean, as_of), overdue_events(kept, as_of)
    assert len(overdue) == len(expected) > 0
    assert follow_up_counts(overdue.rows()) == follow_up_counts(expected)
    pd.testing.assert_frame_equal(later_events(overdue, texts).build(), expected)
    pd.testing.assert_frame_equal(with_event_texts(overdue.head(2), texts), expected.head(2))
    for row in range(min(3, len(expected))):
        assert event_record(overdue, row, texts) == event_record(expected, row)
    assert event_record(overdue, len(expected), texts) is None
