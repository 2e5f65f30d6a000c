"""Tests for analytics.pipeline.worker: processing staged uploads in a separate process."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.ingest import stage_upload

# -- processing in a separate process ---------------------------------------------------
UPLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "ui" / "upload"


def test_process_files_in_the_worker_equals_in_process(tmp_path: Path):
    import pandas as pd

    from analytics.pipeline.worker import process_files

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
    from analytics.pipeline.worker import process_files

    staged = stage_upload("empty.txt", b"   \n", tmp_path)
    with pytest.raises(EmptyCorpusError, match=r"no briefing could be loaded") as caught:
        process_files(staged)
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_worker_that_ends_without_a_result_is_one_message(tmp_path: Path):
    from analytics.errors import AnalyticsError
    from analytics.pipeline.worker import _worker_result

    with pytest.raises(AnalyticsError, match=r"ended without a result \(it may have run out"):
        _worker_result(-9, tmp_path / "missing.pickle", "")


def test_worker_fault_names_its_type_only(tmp_path: Path):
    from analytics.errors import AnalyticsError
    from analytics.pipeline.worker import _worker_result

    log = 'Traceback (most recent call last):\n  File "/srv/x.py"\nMemoryError: big'
    with pytest.raises(AnalyticsError, match=r"failed unexpectedly \(MemoryError\)") as caught:
        _worker_result(1, tmp_path / "missing.pickle", log)
    assert "/srv" not in str(caught.value)
