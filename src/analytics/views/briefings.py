"""What the Briefings page shows: the listing, and the reader with its pages and marked text."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics import schema as S
from analytics import settings
from analytics.artefacts import (
    Artefacts,
    in_briefing_order,
    positions_in,
    table_lookups,
    table_rows,
)
from analytics.errors import InputError
from analytics.search import search_words
from analytics.tallies import sorted_distinct, spans
from analytics.views.common import cue_spans, merge_marks, split_marked
from analytics.views.filtered import take_rows


def briefing_list(artefacts: Artefacts) -> pd.DataFrame:
    """One row per briefing for the searchable table: date, title, source, countries, topic.

    Newest first (ties: by id); ``countries`` holds the briefing's distinct country names,
    sorted and joined by ", ", ``topic`` its topic label ("" for none).
    """
    listing = BriefingListing(artefacts)
    return listing.rows(listing.order)


class LaterRows(NamedTuple):
    """Rows built only when needed (a CSV download's button pressed), and how many there are."""

    n_rows: int
    build: Callable[[], pd.DataFrame]


class BriefingListing:
    """The whole corpus' ``briefing_list``, kept as the briefings' order and each one's
    countries and topic, so that a page builds only the rows it shows.

    A large corpus lists a million briefings: building every row of the list on each filter
    change (and holding another copy of every title) would cost more than the page.

    Parameters:
        artefacts: the unfiltered corpus.
        positions: each table's briefing positions (``index_corpus(artefacts).positions``);
            built when not given.
    """

    def __init__(
        self, artefacts: Artefacts, positions: Mapping[str, np.ndarray] | None = None
    ) -> None:
        self._artefacts = artefacts
        self._positions = positions

    @functools.cached_property
    def positions(self) -> Mapping[str, np.ndarray]:
        """Each table's briefing positions."""
        return self._positions or table_lookups(self._artefacts).positions

    @functools.cached_property
    def order(self) -> np.ndarray:
        """The briefings' positions, newest first, ties by id (undated ones last)."""
        briefings = self._artefacts.briefings
        keys = pa.table(
            {
                S.DATE: pa.array(briefings[S.DATE], from_pandas=True),
                S.BRIEFING_ID: pa.array(briefings[S.BRIEFING_ID], from_pandas=True),
            }
        )
        order = pc.sort_indices(keys, [(S.DATE, "descending"), (S.BRIEFING_ID, "ascending")])
        return order.to_numpy().astype(np.int64)

    @functools.cached_property
    def _country_rows(self) -> tuple[np.ndarray | None, np.ndarray]:
        """The countries table's rows in briefing order (``None``: they are in it already)
        and each of those rows' briefing position, ascending (-1, no briefing, first)."""
        positions = np.asarray(self.positions["countries"], dtype=np.int64)
        if in_briefing_order(positions):
            return None, positions
        order = np.argsort(positions, kind="stable")
        return order, positions[order]

    def countries_at(self, positions: np.ndarray) -> pa.Array:
        """The distinct country names of the briefings at ``positions``, sorted and joined
        by ", " ("" for none), worked out for those briefings only: a million briefings'
        lists would be held for the few a page shows."""
        positions = np.asarray(positions, dtype=np.int64)
        order, owners = self._country_rows
        starts = np.searchsorted(owners, positions, side="left")
        lengths = np.searchsorted(owners, positions, side="right") - starts
        at = spans(starts, lengths)
        rows = at if order is None else order[at]
        named = take_rows(self._artefacts.countries[[S.COUNTRY]], rows)[S.COUNTRY]
        codes, names = pd.factorize(named, sort=True)
        owner = np.repeat(np.arange(len(positions), dtype=np.int64), lengths)
        kept = codes >= 0
        width = np.int64(max(len(names), 1))
        # One cell per (briefing asked for, name), in that order and then name order.
        cells = sorted_distinct(owner[kept] * width + codes[kept])
        values = pa.array(np.asarray(names, dtype=object), pa.string()).take(cells % width)
        counts = np.bincount(cells // width, minlength=len(positions))
        offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]), pa.int64())
        return pc.binary_join(pa.LargeListArray.from_arrays(offsets, values), ", ")

    @functools.cached_property
    def topics(self) -> pa.DictionaryArray:
        """Each briefing's topic label ("" for none), as numbers into the distinct labels."""
        codes, labels = pd.factorize(self._artefacts.topics[S.TOPIC_LABEL])
        positions = np.asarray(self.positions["topics"], dtype=np.int64)
        known = (positions >= 0) & (codes >= 0)
        # The last number is "" (no topic, or no label).
        of_briefing = np.full(len(self._artefacts.briefings), len(labels), dtype=np.int32)
        of_briefing[positions[known]] = codes[known]
        dictionary = pa.array([*np.asarray(labels, dtype=object), ""], pa.string())
        return pa.DictionaryArray.from_arrays(pa.array(of_briefing), dictionary)

    def selected(self, keep: np.ndarray) -> np.ndarray:
        """The positions of the selected briefings (``keep``: a boolean per briefing), in
        the list's order."""
        order = self.order
        return order[np.asarray(keep, dtype=bool)[order]]

    def rows(self, positions: np.ndarray, *, openings: bool = False) -> pd.DataFrame:
        """The list's rows of the briefings at ``positions``, in that order.

        Parameters:
            openings: a briefing without a title shows its opening words in quotes
                instead (``opening_words``), as a list on screen needs; the CSV keeps
                titles as they are.
        """
        positions = np.asarray(positions, dtype=np.int64)
        taken = pa.array(positions, pa.int64())
        table = self._artefacts.briefings[[S.BRIEFING_ID, S.DATE, S.TITLE, S.SOURCE]]
        rows = take_rows(table, positions)  # from each chunk of a lean table, not joined
        if openings:
            rows = titled(self._artefacts, rows, positions)
        rows["countries"] = self.countries_at(positions).to_pandas()
        rows["topic"] = self.topics.take(taken).dictionary_decode().to_pandas()
        return rows

    def later(self, positions: np.ndarray) -> LaterRows:
        """``rows(positions)``, built when asked (a CSV of every match)."""
        return LaterRows(len(positions), functools.partial(self.rows, positions))


# How much of an untitled briefing's text stands in for its title.
OPENING_CHARS = 90


def opening_words(briefings: pd.DataFrame, limit: int = OPENING_CHARS) -> pd.Series:
    """The first words of each briefing's first section (its text when it has none), in
    quotes, cut at a word within ``limit`` characters with "…": what names an untitled
    briefing in a list ("“A fire destroys a home on …”"); "" for a briefing without text.
    """
    columns = [c for c in (*S.SECTIONS, S.TEXT) if c in briefings]
    first = pd.Series("", index=briefings.index, dtype=object)
    for column in reversed(columns):  # the first non-empty one wins
        values = briefings[column].fillna("").astype(str).str.strip()
        first = first.where(values == "", values)
    flat = first.str.replace(r"\s+", " ", regex=True)
    cut = flat.str.slice(0, limit + 1).str.replace(r"\s+\S*$", "", regex=True)
    cut = cut.where(flat.str.len() > limit, flat)
    quoted = "\u201c" + cut.where(flat.str.len() <= limit, cut + " \u2026") + "\u201d"
    return quoted.where(flat != "", "")


def reader_heading(briefing: Artefacts, record: Mapping[str, object]) -> str:
    """The reader's heading of one briefing (``briefing``: its rows, ``record``: its
    ``briefing_record``): its title, else its opening words as the list names it, else
    "(untitled)" for a briefing without text."""
    title = str(record.get(S.TITLE) or "").strip()
    if title:
        return title
    opening = opening_words(briefing.briefings)
    return str(opening.iloc[0]) if len(opening) and opening.iloc[0] else "(untitled)"


def titled(artefacts: Artefacts, rows: pd.DataFrame, where: np.ndarray | pd.Index) -> pd.DataFrame:
    """``rows`` of briefings (``briefing_id``, ``title``, ...) with each missing title
    replaced by the briefing's ``opening_words``, read for those rows only.

    Parameters:
        where: the rows' positions in ``artefacts.briefings``, or the corpus' briefing ids
            (``CorpusIndex.ids``) to find them by.
    """
    untitled = np.flatnonzero(rows[S.TITLE].fillna("").astype(str).str.strip() == "")
    if not len(untitled):
        return rows
    if isinstance(where, pd.Index):
        positions = positions_in(rows[S.BRIEFING_ID].iloc[untitled], where)
    else:
        positions = np.asarray(where, dtype=np.int64)[untitled]
    found = untitled[positions >= 0]
    if not len(found):
        return rows
    at = positions[positions >= 0]
    texts = table_rows(artefacts, "briefings", at, [*S.SECTIONS, S.TEXT])  # only what is read
    rows = rows.copy()
    rows.iloc[found, rows.columns.get_loc(S.TITLE)] = opening_words(texts).to_numpy(object)
    return rows


def briefing_sections(artefacts: Artefacts, briefing_id: str) -> pd.DataFrame:
    """The sections of one briefing with their text, in reading order.

    Returns:
        Columns ``section``, ``text`` (title first, then the three sections, or ``body``).
    """
    from analytics.text import segment_table

    row = artefacts.briefings[artefacts.briefings[S.BRIEFING_ID] == briefing_id]
    segments = segment_table(row)
    return segments[[S.SECTION, S.TEXT]].reset_index(drop=True)


def section_marks(
    artefacts: Artefacts,
    briefing_id: str,
    section: str,
    text: str,
    start: int = 0,
    end: int | None = None,
) -> list[tuple[int, int, str]]:
    """Character spans to highlight in one section, or in its part ``text[start:end]``.

    Countries are the mentions lying wholly in the part; cue words are found in the part
    only, so a page of a long briefing costs its own length, not the briefing's.

    Returns:
        Sorted, non-overlapping ``(start, end, kind)`` with kind ``country`` or ``cue``,
        relative to ``start``.
    """
    end = len(text) if end is None else end
    mentions = artefacts.mentions
    rows = mentions[(mentions[S.BRIEFING_ID] == briefing_id) & (mentions[S.SECTION] == section)]
    starts = rows[S.START].to_numpy(dtype=np.int64)
    ends = rows[S.END].to_numpy(dtype=np.int64)
    inside = (starts >= start) & (ends <= end)
    marks = [
        (a - start, b - start, "country")
        for a, b in zip(starts[inside].tolist(), ends[inside].tolist(), strict=True)
    ]
    interactions = artefacts.interactions
    said = interactions[
        (interactions[S.BRIEFING_ID] == briefing_id) & (interactions[S.SECTION] == section)
    ]
    part = text[start:end] if (start, end) != (0, len(text)) else text
    seen: set[str] = set()
    for cues in said[S.CUES]:
        if isinstance(cues, str):
            # A repeated cue list finds the same spans again, which merging drops anyway.
            if cues in seen:
                continue
            seen.add(cues)
        marks += cue_spans(part, cues)
    return merge_marks(marks)


def briefing_record(artefacts: Artefacts, briefing_id: str) -> dict[str, object]:
    """Date, title, source, url and origin of one briefing (empty dict when absent)."""
    found = np.flatnonzero((artefacts.briefings[S.BRIEFING_ID] == briefing_id).to_numpy(bool))
    if not len(found):
        return {}
    row = table_rows(artefacts, "briefings", found[:1]).iloc[0]
    return {
        c: row[c] for c in (S.BRIEFING_ID, S.DATE, S.TITLE, S.SOURCE, S.URL, S.ORIGIN) if c in row
    }


class PagePart(NamedTuple):
    """The characters ``start`` to ``end`` of one section, shown on one page."""

    section: str
    start: int
    end: int


class ReaderPages(NamedTuple):
    """A briefing's body sections and how they fall into pages."""

    sections: dict[str, str]
    pages: list[list[PagePart]]


class ReaderSection(NamedTuple):
    """One section's part on the shown page, countries and cues marked."""

    section: str
    pieces: list[tuple[str, str | None]]
    continued: bool  # the part starts inside the section (it began on an earlier page)


def page_cut(text: str, start: int, limit: int) -> int:
    """Where a page that starts at ``start`` and may reach ``limit`` ends.

    The last paragraph break before ``limit``, else the last sentence end, else the last
    space, each only in the page's second half (so pages stay near their size); else
    ``limit`` itself. Only the page's own characters are searched.
    """
    if limit >= len(text):
        return len(text)
    half = start + (limit - start) // 2
    for boundary in ("\n\n", ". ", "? ", "! ", "\n", " "):
        at = text.rfind(boundary, half, limit)
        if at >= 0:
            return at + len(boundary)
    return limit


def reader_pages(
    artefacts: Artefacts, briefing_id: str, page_chars: int | None = None
) -> ReaderPages:
    """Lay a briefing's body sections (not the title) out on pages of ``page_chars``.

    A long briefing is read page by page, so the browser never receives much more than
    ``page_chars`` of it (default: the ``reader_page_chars`` setting).

    Sections follow each other on a page while they fit; a longer one is cut on a
    paragraph or sentence boundary (``page_cut``). A briefing shorter than a page is one
    page holding every section whole.

    Raises:
        InputError: when ``page_chars`` is below 100.
    """
    if page_chars is None:
        page_chars = int(settings.value("reader_page_chars"))
    if page_chars < 100:
        raise InputError(f"page_chars must be at least 100; got {page_chars!r}")
    table = briefing_sections(artefacts, briefing_id)
    sections = {
        section: text
        for section, text in zip(table[S.SECTION], table[S.TEXT], strict=True)
        if section != S.SECTION_TITLE
    }
    pages: list[list[PagePart]] = [[]]
    room = page_chars
    for section, text in sections.items():
        at = 0
        while at < len(text):
            # A section that does not fit in the little room left starts a new page.
            if room <= 0 or (len(text) - at > room and room < page_chars // 4 and pages[-1]):
                pages.append([])
                room = page_chars
            end = page_cut(text, at, at + room)
            pages[-1].append(PagePart(section, at, end))
            room -= end - at
            at = end
            if at < len(text):
                room = 0  # the section goes on: the rest starts a new page
    return ReaderPages(sections, pages)


def reader_page(
    artefacts: Artefacts, briefing_id: str, layout: ReaderPages, page: int, search: str = ""
) -> list[ReaderSection]:
    """The sections' parts on page ``page`` (1-based) of ``layout``, countries and cues marked,
    and the words of the ``search`` query (kind ``search``, where no country or cue is).

    Highlights are found for this page only.

    Raises:
        InputError: when ``page`` is not between 1 and the number of pages.
    """
    if not 1 <= page <= len(layout.pages):
        raise InputError(f"page must be between 1 and {len(layout.pages)}; got {page!r}")
    artefacts = only_briefing(artefacts, briefing_id)
    shown = []
    for part in layout.pages[page - 1]:
        text = layout.sections[part.section]
        marks = section_marks(artefacts, briefing_id, part.section, text, part.start, part.end)
        piece = text[part.start : part.end]
        # A search word inside a country or a cue leaves that mark as it is.
        marks += [
            span
            for span in search_spans(piece, search)
            if not any(span[0] < end and start < span[1] for start, end, _ in marks)
        ]
        shown.append(ReaderSection(part.section, split_marked(piece, marks), part.start > 0))
    return shown


def search_spans(text: str, query: str) -> list[tuple[int, int, str]]:
    """Where the words of a search query occur in ``text``, as ``(start, end, "search")``.

    The search's own rule (``analytics.search``: any case, anywhere, also inside longer
    words); overlapping occurrences of several words are left to ``merge_marks``. A word
    of three characters or fewer is marked only where it stands alone when it does
    somewhere in the text ("on", not the "on" of "months" and "plutonium"), since inside
    words it is everywhere; else wherever it occurs.
    """
    spans = []
    for word in dict.fromkeys(search_words(query)):
        pattern = re.escape(word)
        found = list(re.finditer(pattern, text, re.IGNORECASE))
        if len(word) <= _SHORT_SEARCH_WORD:
            alone = [match for match in found if _alone(text, match.start(), match.end())]
            found = alone or found
        spans += [(match.start(), match.end(), "search") for match in found]
    return spans


# Search words this short are marked where they stand alone, when they do.
_SHORT_SEARCH_WORD = 3


def _alone(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` has no letter or digit right before or after it."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def only_briefing(artefacts: Artefacts, briefing_id: str) -> Artefacts:
    """The corpus cut down to one briefing's rows (briefings, mentions, interactions)."""
    import dataclasses

    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame[S.BRIEFING_ID] == briefing_id]

    return dataclasses.replace(
        artefacts,
        briefings=rows(artefacts.briefings),
        mentions=rows(artefacts.mentions),
        interactions=rows(artefacts.interactions),
        rollups=None,  # they count the whole corpus, not this cut
    )


def day_text(value: object) -> str:
    """``YYYY-MM-DD`` for a timestamp, ``unknown date`` when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "unknown date"
    stamp = pd.Timestamp(value)
    return "unknown date" if pd.isna(stamp) else stamp.strftime("%Y-%m-%d")


def briefing_labels(table: pd.DataFrame) -> dict[str, str]:
    """Briefing id -> ``"YYYY-MM-DD · title"`` for pickers (first 90 characters of the title)."""
    days = pd.to_datetime(table[S.DATE], utc=True).dt.strftime("%Y-%m-%d").fillna("undated")
    titles = table[S.TITLE].fillna("").astype(str).str.slice(0, 90)
    return dict(zip(table[S.BRIEFING_ID], days + " · " + titles, strict=True))


def briefing_ids(
    table: pd.DataFrame, *, limit: int | None = None, keep: str | None = None
) -> list[str]:
    """The ``briefing_id`` column of a table as a list.

    Parameters:
        limit: at most this many ids (the first rows), so a picker stays fast on a
            large corpus; the table itself still holds every row.
        keep: an id always included (e.g. the row the user selected), even past ``limit``.
    """
    ids = [str(v) for v in table[S.BRIEFING_ID].iloc[:limit]]
    if keep is not None and keep not in ids and keep in set(table[S.BRIEFING_ID].astype(str)):
        ids.append(keep)
    return ids


def row_id(table: pd.DataFrame, rows: list[int]) -> str | None:
    """The briefing id of the first selected row position, if any."""
    if not rows or table.empty or rows[0] >= len(table):
        return None
    return str(table[S.BRIEFING_ID].iloc[rows[0]])
