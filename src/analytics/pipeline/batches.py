"""A batched ingest's pieces: inputs cut into batches of whole files, and the topic sample.

An ingest whose inputs exceed the ``ingest_batch_mb`` setting (CLI ``--batch-mb``) reads
and processes them batch by batch so that only one batch's per-briefing tables are in
memory (``analytics.pipeline.ingest`` runs the batches). Two things here:

- ``file_batches``: consecutive runs of the input files of about ``batch_mb`` each (a
  file is never split; a larger file is a batch of its own);
- ``TopicSample``: a first pass over the batches keeps a seeded uniform sample of the
  briefings that stay once exact duplicates are collapsed (the first by date then id,
  the rule of ``mark_duplicates``), for the topic model fitted before any batch is
  processed. With no more briefings than the sample's size it holds every one of them,
  in input order: the model is then the one a one-shot ingest fits. ``add`` tells which
  briefings of a batch are kept, whose document frequencies the ingest counts meanwhile so
  that the fit on the sample has the vocabulary and IDF of every kept briefing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.errors import InputError
from analytics.ingest import input_stat, text_fingerprints


def file_batches(files: Sequence[Path], batch_mb: float) -> list[list[Path]]:
    """``files`` in order, cut into consecutive runs of at most ``batch_mb`` MB each.

    A file larger than ``batch_mb`` makes a batch of its own.

    Parameters:
        files: the input files, in the order an ingest reads them.
        batch_mb: the most input one batch holds, in MB (positive).

    Returns:
        The batches, none empty; one batch when everything fits.

    Raises:
        InputError: when ``batch_mb`` is not a positive number.
    """
    if isinstance(batch_mb, bool) or not isinstance(batch_mb, int | float) or not batch_mb > 0:
        raise InputError(f"batch size must be a positive number of MB; got {batch_mb!r}")
    limit = batch_mb * 1024 * 1024
    batches: list[list[Path]] = []
    size = 0
    for file in files:
        file_size = input_stat(file).st_size
        if not batches or size + file_size > limit:
            batches.append([])
            size = 0
        batches[-1].append(file)
        size += file_size
    return [batch for batch in batches if batch]


def input_mb(files: Sequence[Path]) -> float:
    """The size of ``files`` together, in MB."""
    return sum(input_stat(file).st_size for file in files) / (1024 * 1024)


class TopicSample:
    """A seeded uniform sample of at most ``size`` briefings from batches seen in order.

    Exact duplicates of briefings seen before (same words) are left out, as a store
    leaves them out. The sample keeps each chosen briefing's topic text
    (``briefing_text_for_topics``) and its position among the kept briefings.

    Parameters:
        size: the most briefings kept.
        random_state: seed of the choice.
    """

    def __init__(self, size: int, random_state: int = 0) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise InputError(f"the topic sample size must be a positive whole number; got {size!r}")
        self.size = size
        self.n_seen = 0
        self._rng = np.random.RandomState(random_state)
        self._fingerprints: set[int] = set()
        self._positions = np.full(size, -1, dtype=np.int64)
        self._texts = np.empty(size, dtype=object)

    def add(self, briefings: pd.DataFrame) -> np.ndarray:
        """Offer one batch of briefings (``load_files`` output: sorted by date then id).

        Returns:
            The row positions in ``briefings`` of those kept in the store's sense (not
            exact duplicates of a briefing seen before or earlier in the batch), ascending.
        """
        prints = text_fingerprints(briefings[S.TEXT])
        first_here = ~pd.Series(prints).duplicated().to_numpy()
        seen_before = np.fromiter((int(p) in self._fingerprints for p in prints), bool, len(prints))
        kept = np.flatnonzero(first_here & ~seen_before)
        self._fingerprints.update(int(p) for p in prints[kept])
        positions = np.arange(self.n_seen, self.n_seen + len(kept), dtype=np.int64)
        self.n_seen += len(kept)
        # Reservoir sampling (Algorithm R): the first ``size`` fill the slots; briefing i
        # after them replaces slot j, drawn in [0, i], when j < size.
        slots = np.where(positions < self.size, positions, -1)
        later = positions >= self.size
        if later.any():
            draws = self._rng.randint(0, positions[later] + 1)
            slots[later] = np.where(draws < self.size, draws, -1)
        chosen = np.flatnonzero(slots >= 0)
        if len(chosen):
            # A slot drawn twice in this batch keeps the later briefing.
            backwards = chosen[::-1]
            _, first = np.unique(slots[backwards], return_index=True)
            winners = np.sort(backwards[first])
            # Imported here: the topic model's libraries (scikit-learn, SciPy) cost a reader
            # of the store, such as the dashboard, a second at start-up.
            from analytics.topics import briefing_text_for_topics

            texts = briefing_text_for_topics(briefings.iloc[kept[winners]])
            self._positions[slots[winners]] = positions[winners]
            self._texts[slots[winners]] = np.array(texts, dtype=object)
        return kept

    def texts(self) -> list[str]:
        """The sampled topic texts, in the order the briefings came."""
        filled = np.flatnonzero(self._positions >= 0)
        order = filled[np.argsort(self._positions[filled], kind="stable")]
        return [str(text) for text in self._texts[order]]
