"""Building blocks the page views share: headline figures, pair codes of the filtered
tables, and marking cue words in text (the counting rules are in ``analytics.tallies``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.artefacts import Artefacts
from analytics.ingest.files import DOCUMENTATION
from analytics.ingest.report import listed_rows, noted_rows
from analytics.relations import PairCodes
from analytics.relations import pair_codes as relations_pair_codes
from analytics.tallies import TableCodes
from analytics.views.filtered import FilteredCorpus

PAIR = "pair"


COUNT = "count"


@dataclass(frozen=True)
class CorpusFigures:
    """Headline figures of a corpus (or a filtered view of it)."""

    n_briefings: int
    first_day: pd.Timestamp | None
    last_day: pd.Timestamp | None
    n_countries: int
    n_topics: int
    n_skipped: int
    n_duplicates: int  # exact duplicates: merged into their first copy, not in the corpus
    n_near_duplicates: int  # kept in the corpus, flagged with the briefing they resemble
    n_documentation: int = 0  # a folder's read-me or licence, set aside (not a problem)
    n_noted: int = 0  # loaded with a note (a date read on a guess, an encoding...)


def corpus_figures(artefacts: Artefacts | FilteredCorpus) -> CorpusFigures:
    """Count briefings, countries, topics and skipped or duplicate inputs (``n_skipped``
    leaves out the read-mes and licences set aside as documentation: ``n_documentation``)."""
    if isinstance(artefacts, FilteredCorpus):
        # Counted on the selection's masks and codes: no table of the selection is cut,
        # and codes are counted, not sorted (millions of country rows in a large corpus).
        keep = artefacts.keep
        n_briefings = int(keep.sum())
        first_day, last_day = _day_range(artefacts.corpus.briefings[S.DATE], keep)
        named = artefacts.index.codes.get("countries")
        n_countries = 0
        if named is not None:
            chosen = named[artefacts.rows("countries")]
            n_countries = int(np.count_nonzero(np.bincount(chosen[chosen >= 0])))
        topic_ids = artefacts.corpus.topics[S.TOPIC_ID][artefacts.rows("topics")]
    else:
        n_briefings = len(artefacts.briefings)
        first_day, last_day = _day_range(artefacts.briefings[S.DATE])
        n_countries = int(artefacts.countries[S.ISO3].nunique())
        topic_ids = artefacts.topics[S.TOPIC_ID]
    status = artefacts.report.get(S.STATUS, pd.Series(dtype=str)).astype(str)
    documentation = status.eq(S.SKIPPED) & _is_documentation(artefacts.report)
    return CorpusFigures(
        n_briefings=n_briefings,
        first_day=first_day,
        last_day=last_day,
        n_countries=n_countries,
        n_topics=int(topic_ids.nunique()) if len(topic_ids) else 0,
        n_skipped=int((status.eq(S.SKIPPED) & ~documentation).sum()),
        n_duplicates=int((status == S.DUPLICATE).sum()),
        n_near_duplicates=int((status == S.NEAR_DUPLICATE).sum()),
        n_documentation=int(documentation.sum()),
        n_noted=int(noted_rows(artefacts.report).sum()),
    )


def selection_figures(filtered: FilteredCorpus, whole: CorpusFigures) -> CorpusFigures:
    """``corpus_figures(filtered)``, given ``whole``, the unfiltered corpus' figures: those
    when the selection keeps every briefing and names no section (the sidebar's first view),
    which counts nothing again (every country row of a large corpus on each rerun)."""
    if filtered.filters.section is None and filtered.everything:
        return whole
    return corpus_figures(filtered)


def inputs_note(figures: CorpusFigures) -> str:
    """What became of the inputs that are not plain loaded briefings, in one phrase:
    ``"2 skipped, 46 exact duplicates merged, 5 near-duplicates kept and flagged"``;
    empty when every input was loaded as it is (a read-me set aside is not counted:
    ``documentation_files`` names it)."""
    parts = []
    if figures.n_skipped:
        parts.append(f"{figures.n_skipped:,} skipped")
    if figures.n_duplicates:
        parts.append(
            f"{figures.n_duplicates:,} exact {_plural(figures.n_duplicates, 'duplicate')} merged"
        )
    if figures.n_near_duplicates:
        parts.append(
            f"{figures.n_near_duplicates:,} {_plural(figures.n_near_duplicates, 'near-duplicate')} "
            "kept and flagged"
        )
    if figures.n_noted:
        parts.append(f"{figures.n_noted:,} loaded with a note")
    return ", ".join(parts)


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


def _is_documentation(report: pd.DataFrame) -> pd.Series:
    """Which report rows are a folder's read-me, licence or change log, set aside as
    documentation: no problem of the input, unlike a file that could not be read."""
    reasons = report.get(S.REASON, pd.Series("", index=report.index, dtype=str))
    return reasons.astype(str).eq(DOCUMENTATION)


def documentation_files(report: pd.DataFrame) -> list[str]:
    """The files of the load report set aside as documentation (``README.txt``), in order."""
    if report.empty or S.STATUS not in report or S.FILE not in report:
        return []
    chosen = report[S.STATUS].astype(str).eq(S.SKIPPED) & _is_documentation(report)
    return [str(name) for name in report.loc[chosen, S.FILE]]


def _day_range(
    dates: pd.Series, keep: np.ndarray | None = None
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The first and last of the (kept) dates, in UTC; ``None`` when there are none."""
    stamps = pd.to_datetime(dates, utc=True).dt.tz_localize(None).to_numpy()
    if keep is not None:
        stamps = stamps[keep]
    stamps = stamps[~np.isnat(stamps)]
    if not len(stamps):
        return None, None
    return pd.Timestamp(stamps.min(), tz="UTC"), pd.Timestamp(stamps.max(), tz="UTC")


def skipped_inputs(report: pd.DataFrame) -> pd.DataFrame:
    """The report rows of inputs that were skipped, merged as exact duplicates, kept and
    flagged as near-duplicates, or loaded with a note, in that order, with their status
    and reason; a read-me or licence set aside as documentation is no problem and is left
    to ``documentation_files``. ``row`` is the row number as text, blank for a whole file."""
    shown = (S.FILE, S.ROW, S.STATUS, S.REASON)
    if report.empty or S.STATUS not in report:
        return pd.DataFrame(columns=list(shown))
    keep = listed_rows(report) & ~_is_documentation(report)
    columns = [c for c in shown if c in report]
    listed = report.loc[keep, columns]
    # What was lost first, what was merged or flagged next, the notes last (file order
    # within each): a corpus dated by its files' times has a note on every briefing.
    rank = listed[S.STATUS].astype(str).map(_LISTED_ORDER).fillna(len(_LISTED_ORDER))
    order = np.argsort(rank.to_numpy(dtype=np.int64), kind="stable")
    listed = listed.iloc[order].reset_index(drop=True)
    if S.ROW in listed:
        # A whole file (a text briefing, an unreadable file) has no row: shown blank, where a
        # missing number read "None".
        rows = pd.Series(pd.array(listed[S.ROW], dtype="Int64"))
        listed[S.ROW] = rows.astype(str).where(rows.notna(), "")
    return listed


_LISTED_ORDER = {S.SKIPPED: 0, S.DUPLICATE: 1, S.NEAR_DUPLICATE: 2, S.LOADED: 3}


def pair_codes(interactions: pd.DataFrame, codes: TableCodes | None) -> PairCodes:
    """Each row's ``country_a`` and ``country_b`` as integers into sorted ISO3 codes: the
    given codes, else ``relations.pair_codes`` (-1 marks a missing code)."""
    if codes is not None and codes.partner is not None and codes.iso3s is not None:
        iso3s = codes.iso3s.to_numpy(dtype=object)
        return PairCodes(np.asarray(codes.country), iso3s, np.asarray(codes.partner), iso3s)
    return relations_pair_codes(interactions)


def country_names(artefacts: Artefacts) -> dict[str, str]:
    """ISO3 code -> country name, as found in the corpus."""
    rows = artefacts.countries[[S.ISO3, S.COUNTRY]].drop_duplicates(S.ISO3)
    return dict(zip(rows[S.ISO3], rows[S.COUNTRY], strict=True))


def country_label(code: str, names: dict[str, str]) -> str:
    """A country's name for a picker, its code when the corpus names it nowhere."""
    return names.get(code, code)


def country_labeller(names: dict[str, str]) -> Callable[[str], str]:
    """``country_label`` over ``names`` as a picker's ``format_func``.

    A function of the names alone: a lambda in a page would hold that run's tables
    (through the page's globals) until the collector's next full pass.
    """
    return functools.partial(country_label, names=names)


def restrict_to_ids(table: pd.DataFrame, ids: Sequence[str] | pd.Series) -> pd.DataFrame:
    """The rows of ``table`` whose ``briefing_id`` is one of ``ids`` (order kept)."""
    if len(ids) == 0:
        return table.iloc[0:0].reset_index(drop=True)
    # A hash lookup: Series.isin against tens of thousands of strings is ~20x slower.
    allowed = pd.Index(np.asarray(ids, dtype=object)).unique()
    keep = allowed.get_indexer(table[S.BRIEFING_ID].to_numpy(dtype=object)) >= 0
    return table[keep].reset_index(drop=True)


def cue_words(cues: object) -> list[str]:
    """The cue phrases of an interaction (stored as ``|``-separated text or a list)."""
    if isinstance(cues, str):
        text = cues.strip()
        if text.startswith("[") and text.endswith("]"):
            # A list written out as text by a table store: "['sanction', 'warn']".
            text = text[1:-1].replace("'", "").replace('"', "").replace(",", "|")
        return [c.strip() for c in text.replace(";", "|").split("|") if c.strip()]
    if isinstance(cues, list | tuple | np.ndarray):
        return [str(c).strip() for c in cues if str(c).strip()]
    return []


def cue_spans(text: str, cues: object) -> list[tuple[int, int, str]]:
    """Every case-insensitive occurrence of each cue phrase in ``text``."""
    lowered = text.lower()
    spans = []
    for cue in cue_words(cues):
        needle = cue.lower()
        at = lowered.find(needle)
        while at >= 0:
            spans.append((at, at + len(needle), "cue"))
            at = lowered.find(needle, at + len(needle))
    return spans


def merge_marks(marks: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Sort spans and drop those overlapping an earlier one (first come wins)."""
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(marks):
        if end <= start or (kept and start < kept[-1][1]):
            continue
        kept.append((start, end, kind))
    return kept


def split_marked(text: str, marks: list[tuple[int, int, str]]) -> list[tuple[str, str | None]]:
    """Cut ``text`` into ``(piece, kind)`` runs; ``kind`` is ``None`` for unmarked text."""
    pieces: list[tuple[str, str | None]] = []
    at = 0
    for start, end, kind in merge_marks(marks):
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], kind))
        at = end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces
