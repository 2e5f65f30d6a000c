"""Delta tables in the store: migration of older stores, generations kept and vacuumed,
interrupted writes, reading older generations, and store locations given as URLs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from legacy_stores import write_legacy_store

from analytics import schema as S
from analytics.errors import InputError, StoreError
from analytics.pipeline import (
    STORED_TABLES,
    ensure_store,
    list_generations,
    migrate_store,
    open_store,
    store_location,
    vacuum_store,
)
from analytics.pipeline import generation as generation_module
from analytics.pipeline.deltatables import (
    data_files,
    frame_schema,
    latest_version,
    read_files,
    roll_back,
    write_table,
)


@pytest.fixture()
def built(corpus: Path, tmp_path: Path) -> Path:
    store_dir = tmp_path / "store"
    ensure_store([corpus], store_dir, n_topics=2)
    return store_dir


def _tables(store) -> dict[str, pd.DataFrame]:
    return {name: store.table(name) for name in STORED_TABLES}


def _assert_same_tables(ours: dict[str, pd.DataFrame], theirs: dict[str, pd.DataFrame]) -> None:
    assert list(ours) == list(theirs)
    for name in ours:
        pd.testing.assert_frame_equal(ours[name], theirs[name], check_exact=True)
        assert list(ours[name].dtypes) == list(theirs[name].dtypes), name


def _data_files(store_dir: Path) -> set[Path]:
    return {
        path for path in (store_dir / "tables").rglob("*.parquet") if "_delta_log" not in path.parts
    }


# -- what a Delta table keeps: row order, dtypes, 64-bit keys ----------------------------------


def test_tables_keep_row_order_dtypes_and_unsigned_keys_across_months(built: Path) -> None:
    store = open_store(built)
    briefings = store.table("briefings")
    # The manifest dates a1, a2 in January and a3, a4 in February; each month is one file.
    assert [Path(p).parent.name for p in store.table_files("briefings")] == [
        "month=2025-01",
        "month=2025-02",
    ]
    assert briefings[S.DATE].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-01-06",
        "2025-01-20",
        "2025-02-03",
        "2025-02-17",
    ]
    assert str(briefings[S.DATE].dtype) == "datetime64[ns, UTC]"
    keys = store.table("duplicate_keys")
    assert keys["fingerprint"].dtype == np.uint64
    # At least one key has its top bit set: it went through Delta's int64 and back unchanged.
    assert (keys.drop(columns=[S.BRIEFING_ID]).to_numpy() >= np.uint64(2**63)).any()
    assert store.table("report")["row"].dtype == "Int64"


def test_reading_some_columns_keeps_row_order(built: Path) -> None:
    store = open_store(built)
    whole = store.table("mentions")
    some = store.table("mentions", columns=[S.BRIEFING_ID, "start"])
    pd.testing.assert_frame_equal(some, whole[[S.BRIEFING_ID, "start"]])


# -- migration ---------------------------------------------------------------------------------


@pytest.mark.parametrize("store_format", [1, 2], ids=["format-1", "format-2"])
def test_first_write_migrates_an_older_store_keeping_every_table(
    built: Path, corpus: Path, added: Path, tmp_path: Path, store_format: int
) -> None:
    legacy = write_legacy_store(open_store(built), tmp_path / "legacy", store_format=store_format)
    before = open_store(legacy)
    assert before.format == store_format
    expected = _tables(before)
    notices: list[str] = []
    updated, summary = ensure_store([added], legacy, add=True, on_notice=notices.append)
    assert notices == [
        f"migrating the store at {legacy} from format {store_format} (Parquet parts) to "
        "format 3 (Delta tables), once: all 4 briefings and every table are kept"
    ]
    assert (summary.mode, updated.format, len(updated.table("briefings"))) == ("incremental", 3, 5)
    migrated = open_store(legacy, as_of=2)
    assert migrated.meta["ingest"] == {
        "mode": "migration",
        "from_format": store_format,
        "from_generation": "gen-000001",
    }
    _assert_same_tables(_tables(migrated), expected)
    assert migrated.fingerprint == before.fingerprint
    # The older generation and its parts went with the write after the migration.
    assert not (legacy / "gen-000001").exists()
    assert not list((legacy / "parts").iterdir())
    again, summary = ensure_store([added], legacy, add=True, on_notice=notices.append)
    assert summary.mode == "unchanged" and len(notices) == 1


def test_migrate_store_explicitly_and_only_once(built: Path, tmp_path: Path) -> None:
    legacy = write_legacy_store(open_store(built), tmp_path / "legacy")
    expected = _tables(open_store(legacy))
    store, migrated = migrate_store(legacy)
    assert migrated and store.format == 3 and store.generation.name == "gen-000002"
    _assert_same_tables(_tables(open_store(legacy)), expected)
    # The older generation stays for its readers until the next write.
    assert open_store(legacy, as_of=1).format == 2
    store, migrated = migrate_store(legacy)
    assert not migrated and store.generation.name == "gen-000002"


def test_migrate_store_refuses_a_folder_without_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no store at .*nowhere to migrate; create one with"):
        migrate_store(tmp_path / "nowhere")


# -- generations: kept, read, vacuumed ----------------------------------------------------------


@pytest.fixture()
def four_generations(built: Path, corpus: Path, added: Path, tmp_path: Path) -> Path:
    """Generations 1 (full), 2 (add b1), 3 (add b2: appended), 4 (replace: rebuilt)."""
    ensure_store([added], built, add=True)
    more = tmp_path / "more"
    more.mkdir()
    (more / "b2.txt").write_text(
        "What's Happening?\nKenya and Ethiopia signed a border accord in Nairobi.\n",
        encoding="utf-8",
    )
    ensure_store([more], built, add=True)
    ensure_store([corpus, added], built, n_topics=2, replace=True)
    return built


def test_every_generation_stays_readable_until_vacuumed(four_generations: Path) -> None:
    counts = [len(open_store(four_generations, as_of=n).table("briefings")) for n in (1, 2, 3, 4)]
    assert counts == [4, 5, 6, 5]
    listed = list_generations(four_generations)
    assert [(g.number, g.n_briefings, g.mode, g.current) for g in listed] == [
        (1, 4, "full", False),
        (2, 5, "incremental", False),
        (3, 6, "incremental", False),
        (4, 5, "full", True),
    ]


def test_vacuum_removes_old_generations_and_only_files_no_kept_one_needs(
    four_generations: Path,
) -> None:
    kept = {n: _tables(open_store(four_generations, as_of=n)) for n in (3, 4)}
    result = vacuum_store(four_generations, keep=2)
    assert (result.removed_generations, result.kept_generations) == ((1, 2), (3, 4))
    assert sorted(p.name for p in four_generations.glob("gen-*")) == ["gen-000003", "gen-000004"]
    for number, tables in kept.items():
        store = open_store(four_generations, as_of=number)
        store.verify()
        _assert_same_tables(_tables(store), tables)
    needed = {
        path
        for number in (3, 4)
        for name in STORED_TABLES
        for path in open_store(four_generations, as_of=number).table_files(name)
    }
    assert _data_files(four_generations) == needed
    assert result.removed_files > 0
    with pytest.raises(StoreError, match=r"holds no generation 1; it holds generations 3, 4"):
        open_store(four_generations, as_of=1)
    again = vacuum_store(four_generations, keep=2)
    assert again.describe() == "nothing to remove: the store keeps generations 3, 4"
    # A vacuum's own commits change no data: the next writer has nothing to roll back.
    version = latest_version(four_generations, "report")
    roll_back(
        four_generations, "report", open_store(four_generations).meta["tables"]["report"]["version"]
    )
    assert latest_version(four_generations, "report") == version


def test_vacuum_keeps_at_least_the_previous_generation(four_generations: Path) -> None:
    with pytest.raises(InputError, match=r"expected --keep 2 or more; got 1"):
        vacuum_store(four_generations, keep=1)
    assert len(list(four_generations.glob("gen-*"))) == 4


def test_vacuum_refuses_an_older_store(built: Path, tmp_path: Path) -> None:
    legacy = write_legacy_store(open_store(built), tmp_path / "legacy")
    with pytest.raises(StoreError, match=r"of format 2 \(Parquet parts\), which keeps no history"):
        vacuum_store(legacy)


# -- interrupted writes ------------------------------------------------------------------------


def test_an_exception_between_tables_leaves_the_previous_generation_and_the_next_ingest_works(
    built: Path, added: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _tables(open_store(built))
    real = generation_module.write_table
    written: list[str] = []

    def failing(root: Path, name: str, *args, **kwargs) -> int:
        if len(written) == 3:
            raise RuntimeError("disk full")
        written.append(name)
        return real(root, name, *args, **kwargs)

    monkeypatch.setattr(generation_module, "write_table", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        ensure_store([added], built, add=True)
    assert written == ["briefings", "report", "mentions"]
    assert latest_version(built, "briefings") == 1  # written, but in no generation
    survivor = open_store(built)
    assert survivor.generation.name == "gen-000001"
    _assert_same_tables(_tables(survivor), before)
    monkeypatch.setattr(generation_module, "write_table", real)
    updated, summary = ensure_store([added], built, add=True)
    assert summary.mode == "incremental"
    ids = updated.table("briefings")[S.BRIEFING_ID]
    assert len(ids) == 5 and ids.is_unique
    assert len(updated.table("report")) == 6  # four stored files, the manifest and b1
    # The version the failed ingest wrote was rolled back before appending again.
    assert updated.meta["tables"]["briefings"]["version"] == 3


# -- store locations ---------------------------------------------------------------------------


def test_store_location_reads_file_urls_and_object_stores_working_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert store_location(tmp_path.as_uri()) == tmp_path
    assert store_location("file://localhost/srv/atlas%20store") == Path("/srv/atlas store")
    assert store_location("relative/store") == Path("relative/store")
    monkeypatch.setenv("BRIEFING_ATLAS_STORE_CACHE", str(tmp_path / "cache"))
    assert store_location("s3://bucket/atlas/2024") == tmp_path / "cache/s3/bucket/atlas/2024"
    assert store_location("gs://bucket/atlas") == tmp_path / "cache/gs/bucket/atlas"
    assert store_location("objstore+file:///srv/atlas") == tmp_path / "cache/file/srv/atlas"
    for url in ("ftp://host/atlas", "http://host/atlas"):
        with pytest.raises(StoreError, match=rf"a store is a folder, .*; got '{url}'$"):
            store_location(url)
    for url in ("s3://bucket/../atlas", "s3:///atlas"):
        with pytest.raises(StoreError, match=rf"expected s3://BUCKET/PATH; got '{url}'$"):
            store_location(url)
    with pytest.raises(StoreError, match=r"expected file:///absolute/path; got 'file://host/x'"):
        store_location("file://host/x")


def test_ingest_and_read_through_a_file_url(corpus: Path, tmp_path: Path) -> None:
    url = (tmp_path / "url-store").as_uri()
    store, _ = ensure_store([corpus], url, n_topics=2)
    assert store.path == tmp_path / "url-store"
    assert len(open_store(url).table("briefings")) == 4


def test_a_table_whose_months_interleave_reads_back_in_its_own_order(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            S.BRIEFING_ID: ["m1", "a1", "m2", "nodate"],
            S.DATE: pd.to_datetime(["2014-03-02", "2014-04-01", "2014-03-09", None], utc=True),
            "key": np.array([1, 2**64 - 1, 2**63, 0], dtype=np.uint64),
        }
    )
    schema = frame_schema(frame)
    first = write_table(tmp_path, "briefings", frame, append=False, first_row=0).version
    later = frame.iloc[:2].assign(**{S.BRIEFING_ID: ["m3", "a2"]})
    version = write_table(tmp_path, "briefings", later, append=True, first_row=4).version
    assert (first, version) == (0, 1)
    files = data_files(tmp_path, "briefings", version)
    # March, April and no date in the first write; March and April again in the second.
    assert sorted(Path(data.file).parent.name for data in files) == [
        "month=2014-03",
        "month=2014-03",
        "month=2014-04",
        "month=2014-04",
        "month=__HIVE_DEFAULT_PARTITION__",
    ]
    expected = pd.concat([frame, later], ignore_index=True)
    pd.testing.assert_frame_equal(read_files(tmp_path, files, schema), expected)
    pd.testing.assert_frame_equal(
        read_files(tmp_path, data_files(tmp_path, "briefings", first), schema), frame
    )
