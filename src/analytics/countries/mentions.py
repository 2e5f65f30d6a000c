"""Text -> country-mention rows: the extraction of every country mention from the briefings.

Every segment of every briefing (see ``analytics.text.segment_table``) is joined
into one string and scanned once with the gazetteer's Aho-Corasick automaton
(leftmost-longest matches, so "Papua New Guinea" wins over "Guinea"). There is no
per-character Python; the rules that follow are applied to whole arrays of matches:

- word boundaries ("Oman" in "woman", "Chad" in "Chadwick" are no mentions);
- person names: a country name that is also a given name, followed by a surname in a
  sentence-case sentence, is a person ("Chad Johnson scored", ``person_names``);
- case: surfaces match as written or in upper case ("US" never matches "us");
  a small city only counts as the place of a news dateline ("HAUPPAUGE, N.Y., March 2 -");
- required context (``before``/``after`` in the gazetteer: "Atlanta, Georgia");
- validity dates: an office holder counts for their country only while in office,
  judged by the briefing's date;
- the best remaining candidate wins (required context found, country named
  unambiguously elsewhere in the briefing, hand-written rows before office holders
  before cities, confidence); a ``block`` row ("Indo-Pacific") drops the match;
- source citations: a short bracketed group right after a sentence's end, such as the
  outlets that close a news summary ("... a coup. (The Australian) (AP via New York
  Times)"), names where the news came from, not a country in it: nothing in it counts.

Confidence is lowered for an ambiguous surface at the start of a sentence and
raised when the same briefing names the country unambiguously elsewhere. Sentence
indices are those of ``analytics.text.split_sentences``, computed for all segments
at once with array operations. Counting the mentions (per briefing, per period,
per pair of countries) is ``analytics.countries.counts``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics import settings
from analytics.countries.gazetteer import (
    BLOCK,
    Gazetteer,
    load_gazetteer,
)
from analytics.countries.person_names import reads_as_person
from analytics.errors import InputError
from analytics.text import (
    IS_SPACE,
    SOURCE_CITATIONS,
    advance,
    char_class,
    code_points,
    join_segments,
    segment_columns,
    sentence_starts,
    sorted_distinct,
    sorted_member,
)

_SHORT_ALIAS = 3  # "US", "UK": also words once a text is written in capitals
_WORDLIKE_KINDS = ("name", "alias", "demonym")
# "TOKYO, March 3 -", "GREENWICH, Conn., March 2 -", "LONDON (Reuters) -"
_DATELINE_PARTS = re.compile(r"\s*([A-Z][A-Z.'&/ -]*[A-Z.])(?=,| \()[^\n]{0,60}? - ")
_OPENERS = " \t\r\n\"'(\u201c\u2018["
_EMPTY_COLUMNS = {
    S.BRIEFING_ID: pd.Series(dtype=object),
    S.SECTION: pd.Series(dtype=object),
    S.SENTENCE_INDEX: pd.Series(dtype="int64"),
    S.START: pd.Series(dtype="int64"),
    S.END: pd.Series(dtype="int64"),
    S.SURFACE: pd.Series(dtype=object),
    S.ISO3: pd.Series(dtype=object),
    S.KIND: pd.Series(dtype=object),
    S.CONFIDENCE: pd.Series(dtype="float64"),
}


def _empty_mentions() -> pd.DataFrame:
    return pd.DataFrame(_EMPTY_COLUMNS)[list(S.MENTION_COLUMNS)]


def check_briefings(briefings: pd.DataFrame) -> None:
    """Raise ``InputError`` unless ``briefings`` is a DataFrame with a ``briefing_id`` column."""
    if not isinstance(briefings, pd.DataFrame):
        raise InputError(f"briefings must be a pandas DataFrame; got {type(briefings).__name__!r}")
    if S.BRIEFING_ID not in briefings.columns:
        raise InputError(
            f"briefings must have a {S.BRIEFING_ID!r} column; got {list(briefings.columns)!r}"
        )


_IS_UPPER = char_class(lambda c: "A" <= c <= "Z")
_IS_OPENING = char_class(lambda c: c in _OPENERS)
_IS_ALNUM = char_class(str.isalnum)


def _scan(joined: str, gazetteer: Gazetteer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, stop (characters) and code (``key_id * 2 + upper``) of every leftmost-longest
    match, from one pass of the automaton over the UTF-8 bytes of ``joined``."""
    raw = joined.encode("utf-8")
    found = gazetteer.automaton.find_matches_as_indexes(raw, overlapping=False)
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    table = np.asarray(found, dtype=np.int64)
    starts, stops = table[:, 1], table[:, 2]
    if len(raw) != len(joined):
        # Byte offsets to character offsets: subtract the continuation bytes before them.
        data = np.frombuffer(raw, dtype=np.uint8)
        continuation = np.flatnonzero((data & 0xC0) == 0x80)
        starts = starts - np.searchsorted(continuation, starts)
        stops = stops - np.searchsorted(continuation, stops)
    return starts, stops, gazetteer.pattern_codes[table[:, 0]]


def _word_bounded(
    points: np.ndarray, starts: np.ndarray, stops: np.ndarray, keys: np.ndarray, gaz: Gazetteer
) -> np.ndarray:
    before_alnum = _IS_ALNUM[points[np.maximum(starts - 1, 0)]] & (starts > 0)
    after_alnum = _IS_ALNUM[points[stops]]
    ok_start = ~(gaz.key_word_start[keys] & before_alnum)
    ok_end = ~(gaz.key_word_end[keys] & after_alnum)
    return ok_start & ok_end


def _person_first_names(
    joined: str,
    starts: np.ndarray,
    stops: np.ndarray,
    keys: np.ndarray,
    upper: np.ndarray,
    keep: np.ndarray,
    gaz: Gazetteer,
) -> np.ndarray:
    """Which matches are a given-name country beginning a person's name ("Chad Johnson
    scored"; ``analytics.countries.person_names``). Only names as written are looked at,
    never their upper-case form ("CHAD JOHNSON" in a capitals headline says nothing)."""
    person = np.zeros(len(starts), dtype=bool)
    maybe = np.flatnonzero(np.isin(keys, gaz.given_name_keys) & ~upper & keep)
    if maybe.size == 0:
        return person
    country_words = np.sort(starts[keep & gaz.key_is_country_word[keys]])
    for i in maybe.tolist():
        person[i] = reads_as_person(
            joined, int(starts[i]), int(stops[i]), gaz.person_names, country_words
        )
    return person


def _in_citation(joined: str, starts: np.ndarray) -> np.ndarray:
    """Which matches start inside a source citation ("(Reuters via The Sydney Morning
    Herald)" after a sentence's end)."""
    spans = np.array(
        [match.span(1) for match in SOURCE_CITATIONS.finditer(joined)], dtype=np.int64
    ).reshape(-1, 2)
    if spans.size == 0:
        return np.zeros(len(starts), dtype=bool)
    index = np.searchsorted(spans[:, 0], starts, side="right") - 1
    return (index >= 0) & (starts < spans[np.maximum(index, 0), 1])


def _datelines(
    texts: list[str], sections: np.ndarray, points: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per segment: dateline length (0 if none), and the dateline place's start and end.

    The place is the dateline up to its first comma or parenthesis ("NEW YORK" in
    "NEW YORK, March 2 -"). Only a section (not a title) opening with two capitals
    can carry one; that test is made on all segments at once before any regular
    expression runs.
    """
    length = np.zeros(len(texts), dtype=np.int64)
    lead = np.zeros(len(texts), dtype=np.int64)
    place_end = np.zeros(len(texts), dtype=np.int64)
    first = advance(points, offsets, IS_SPACE)
    opening = _IS_UPPER[points[first]] & _IS_UPPER[points[first + 1]]
    match = _DATELINE_PARTS.match
    for i in np.flatnonzero(opening & (sections != S.SECTION_TITLE)).tolist():
        found = match(texts[i])
        if found is not None:
            length[i], lead[i], place_end[i] = found.end(), found.start(1), found.end(1)
    return length, lead, place_end


def _add_dateline_places(
    texts: list[str],
    datelines: tuple[np.ndarray, np.ndarray, np.ndarray],
    offsets: np.ndarray,
    starts: np.ndarray,
    stops: np.ndarray,
    keys: np.ndarray,
    upper: np.ndarray,
    gaz: Gazetteer,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Add the dateline place of each segment where the scan did not already find it."""
    _, lead, place_end = datelines
    rows = np.flatnonzero(place_end > lead)
    if rows.size == 0:
        return starts, stops, keys, upper
    found = [gaz.dateline_keys.get(texts[i][lead[i] : place_end[i]]) for i in rows]
    known = np.array([key is not None for key in found], dtype=bool)
    rows = rows[known]
    new_starts = offsets[rows] + lead[rows]
    fresh = ~sorted_member(new_starts, starts)
    rows, new_starts = rows[fresh], new_starts[fresh]
    new_keys = np.array([k for k in found if k is not None], dtype=np.int64)[fresh]
    order = np.argsort(np.concatenate((starts, new_starts)), kind="stable")
    return (
        np.concatenate((starts, new_starts))[order],
        np.concatenate((stops, offsets[rows] + place_end[rows]))[order],
        np.concatenate((keys, new_keys))[order],
        np.concatenate((upper, np.ones(len(rows), dtype=bool)))[order],
    )


def extract_mentions(briefings: pd.DataFrame, gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Find every country mention in the briefings' titles and sections.

    Parameters:
        briefings: the briefing table (``briefing_id``, ``date``, ``title``, ``text`` and
            the three sections; missing text columns are treated as empty).
        gazetteer: the compiled reference data; default ``load_gazetteer()``.

    Returns:
        ``schema.MENTION_COLUMNS``: one row per mention; ``start``/``end`` are character
        offsets in the section's text and ``sentence_index`` counts sentences within the
        section as ``analytics.text.split_sentences`` does. Ordered as the briefings,
        then by section and position.

    Raises:
        InputError: when ``briefings`` is not a DataFrame with a ``briefing_id`` column.
    """
    check_briefings(briefings)
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    segment_ids, segment_sections, texts = segment_columns(briefings)
    if not texts:
        return _empty_mentions()
    # The texts stay a list of strings: a string column would copy the whole corpus twice.
    segments = pd.DataFrame({S.BRIEFING_ID: segment_ids, S.SECTION: segment_sections})
    joined, offsets, _ = join_segments(texts)
    points = code_points(joined)

    starts, stops, codes = _scan(joined, gaz)
    keys, upper = codes // 2, (codes % 2).astype(bool)
    keep = _word_bounded(points, starts, stops, keys, gaz)
    keep &= ~_in_citation(joined, starts)
    keep &= ~_person_first_names(joined, starts, stops, keys, upper, keep, gaz)
    starts, stops, keys, upper = starts[keep], stops[keep], keys[keep], upper[keep]
    datelines = _datelines(texts, segments[S.SECTION].to_numpy(), points, offsets)
    starts, stops, keys, upper = _add_dateline_places(
        texts, datelines, offsets, starts, stops, keys, upper, gaz
    )
    if starts.size == 0:
        return _empty_mentions()
    segment = np.searchsorted(offsets, starts, side="right") - 1
    in_dateline = starts < (offsets + datelines[0])[segment]

    dates = _briefing_dates(segments, briefings)[segment]
    briefing_codes = pd.factorize(segments[S.BRIEFING_ID])[0][segment]
    chosen, confidence = _choose_candidates(
        gaz, joined, starts, stops, keys, upper, in_dateline, dates, briefing_codes
    )
    found = chosen >= 0
    if not found.any():
        return _empty_mentions()
    row = chosen[found]
    position, stop, seg = starts[found], stops[found], segment[found]
    confidence = confidence[found]

    boundaries = sentence_starts(joined, points, offsets)
    segment_start = offsets[seg]
    first = np.searchsorted(boundaries, segment_start, side="right")
    upto = np.searchsorted(boundaries, position, side="right")
    sentence_index = upto - first
    padded = np.concatenate((boundaries, [0]))  # index -1 when no boundary precedes
    sentence_start = np.where(upto > first, padded[upto - 1], segment_start)
    # A mention opens its sentence when only opening quotes, brackets and space precede it.
    starts_sentence = np.zeros(len(row), dtype=bool)
    unsure = np.flatnonzero(confidence < 1)
    reach = advance(points, sentence_start[unsure], _IS_OPENING)
    starts_sentence[unsure] = reach >= position[unsure]

    surfaces = [joined[a:b] for a, b in zip(position.tolist(), stop.tolist(), strict=True)]
    kinds = gaz.arrays[S.KIND][row]
    width = int(gaz.arrays["iso3_code"].max()) + 1
    confidence = _adjust_confidence(
        confidence,
        kinds,
        surfaces,
        stop - position,
        starts_sentence,
        texts,
        seg,
        briefing_codes[found] * width + gaz.arrays["iso3_code"][row],
    )
    mentions = pd.DataFrame(
        {
            # Taken from the typed columns: no Python string per row is converted again.
            S.BRIEFING_ID: segments[S.BRIEFING_ID].array.take(seg),
            S.SECTION: segments[S.SECTION].array.take(seg),
            S.SENTENCE_INDEX: sentence_index.astype(np.int64),
            S.START: (position - segment_start).astype(np.int64),
            S.END: (stop - segment_start).astype(np.int64),
            S.SURFACE: surfaces,
            S.ISO3: pd.Series(gaz.arrays[S.ISO3]).array.take(row),
            S.KIND: pd.Series(gaz.arrays[S.KIND]).array.take(row),
            S.CONFIDENCE: confidence,
        }
    )
    # Matches come out of the scan in text order, which is briefing, section, position.
    return mentions[list(S.MENTION_COLUMNS)]


def _choose_candidates(
    gaz: Gazetteer,
    joined: str,
    starts: np.ndarray,
    stops: np.ndarray,
    keys: np.ndarray,
    upper: np.ndarray,
    in_dateline: np.ndarray,
    dates: np.ndarray,
    briefing_codes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """For every match, the best candidate row its case, context and date allow.

    Among allowed candidates the order is: required context found ("Atlanta, Georgia"),
    country named unambiguously elsewhere in the briefing ("SAN MATEO, Calif."), source
    (hand-written, office holder, city list), confidence.

    Returns:
        ``(row, confidence)`` per match: the row in ``gaz.arrays`` (-1 when no candidate is
        allowed or the best one is a ``block``) and its confidence.
    """
    arrays = gaz.arrays
    count = gaz.key_count[keys]
    match = np.repeat(np.arange(len(keys)), count)
    first = np.repeat(gaz.key_first[keys] - np.cumsum(count) + count, count)
    row = first + np.arange(len(match))
    is_city = ~np.isnan(arrays["population"][row])
    # A city's upper-case form only in a dateline; in running text only large cities.
    ok = ~(is_city & upper[match] & ~in_dateline[match])
    ok &= ~(
        is_city
        & ~in_dateline[match]
        & (arrays["population"][row] < settings.value("running_text_min_population"))
    )

    before, after = arrays["before"][row], arrays["after"][row]
    needs_before, needs_after = before != "", after != ""
    for i in np.flatnonzero(needs_before & ok):
        position = starts[match[i]]
        ok[i] = joined[position - len(before[i]) : position] == before[i]
    for i in np.flatnonzero(needs_after & ok):
        position = stops[match[i]]
        ok[i] = joined[position : position + len(after[i])] == after[i]

    when = dates[match]
    start, end = arrays["start"][row], arrays["end"][row]
    dated = ~np.isnat(when)
    limited = ~(np.isnat(start) & np.isnat(end))
    in_force = (np.isnat(start) | (start <= when)) & (np.isnat(end) | (when < end))
    ok &= ~dated | in_force
    confidence = arrays[S.CONFIDENCE][row]
    # Without a briefing date a dated row still counts, with less confidence.
    confidence = np.where(
        ~dated & limited, confidence * settings.value("mention_undated_leader_factor"), confidence
    )

    keep = np.flatnonzero(ok)
    chosen = np.full(len(keys), -1, dtype=np.int64)
    best_confidence = np.zeros(len(keys), dtype=float)
    if keep.size == 0:
        return chosen, best_confidence
    contextual = (needs_before | needs_after)[keep]
    supported = _supported(match[keep], row[keep], confidence[keep], arrays, briefing_codes)
    order = np.lexsort(
        (-confidence[keep], arrays["rank"][row[keep]], ~supported, ~contextual, match[keep])
    )
    ranked = keep[order]
    best = ranked[np.concatenate(([True], match[ranked][1:] != match[ranked][:-1]))]
    chosen[match[best]] = row[best]
    best_confidence[match[best]] = confidence[best]
    blocked = chosen >= 0
    blocked[blocked] = arrays[S.KIND][chosen[blocked]] == BLOCK
    chosen[blocked] = -1
    return chosen, best_confidence


def _supported(
    match: np.ndarray,
    row: np.ndarray,
    confidence: np.ndarray,
    arrays: dict[str, np.ndarray],
    briefing_codes: np.ndarray,
) -> np.ndarray:
    """Whether each candidate's country is named unambiguously elsewhere in its briefing.

    Unambiguous: the match has one allowed candidate, a country (not a block), held
    with confidence from the ``mention_corroborated_confidence`` setting on.
    """
    per_match = np.bincount(match, minlength=int(match.max()) + 1)
    country = arrays["iso3_code"][row]
    sure = (
        (per_match[match] == 1)
        & (confidence >= settings.value("mention_corroborated_confidence"))
        & (arrays[S.KIND][row] != BLOCK)
    )
    width = int(arrays["iso3_code"].max()) + 1
    pair = briefing_codes[match] * width + country
    return sorted_member(pair, sorted_distinct(pair[sure]))


def _briefing_dates(segments: pd.DataFrame, briefings: pd.DataFrame) -> np.ndarray:
    if S.DATE not in briefings.columns:
        return np.full(len(segments), np.datetime64("NaT"), dtype="datetime64[ns]")
    dates = pd.to_datetime(briefings[S.DATE], errors="coerce", utc=True)
    by_id = pd.Series(
        dates.dt.tz_convert(None).to_numpy(dtype="datetime64[ns]"),
        index=briefings[S.BRIEFING_ID].to_numpy(),
    )
    by_id = by_id[~by_id.index.duplicated()]
    return by_id.reindex(segments[S.BRIEFING_ID].to_numpy()).to_numpy(dtype="datetime64[ns]")


def _adjust_confidence(
    confidence: np.ndarray,
    kinds: np.ndarray,
    surfaces: list[str],
    lengths: np.ndarray,
    first_word: np.ndarray,
    texts: list[str],
    segment: np.ndarray,
    pairs: np.ndarray,
) -> np.ndarray:
    """Ambiguous names are less sure at a sentence start ("Turkey said", "Chad said"),
    short upper-case aliases are less sure in an all-capitals text ("... WARNS US"), and
    both are sure again when the same briefing (``pairs``: briefing and country) names the
    country confidently elsewhere.
    """
    corroborated = settings.value("mention_corroborated_confidence")
    confidence = confidence.copy()
    wordlike = np.isin(kinds, _WORDLIKE_KINDS)
    ambiguous = confidence < settings.value("mention_ambiguous_below")
    soft = wordlike & (confidence < 1) & first_word
    shouting = np.zeros(len(confidence), dtype=bool)
    segment_in_capitals: dict[int, bool] = {}  # each segment is tested once
    short = np.flatnonzero(wordlike & (lengths <= _SHORT_ALIAS))
    for i, seg in zip(short.tolist(), segment[short].tolist(), strict=True):
        if surfaces[i].isupper():
            capitals = segment_in_capitals.get(seg)
            if capitals is None:
                capitals = segment_in_capitals[seg] = texts[seg].isupper()
            shouting[i] = capitals
    confidence[soft] *= settings.value("mention_sentence_start_factor")
    confidence[shouting] *= settings.value("mention_capitals_factor")
    firm = sorted_distinct(pairs[confidence >= corroborated])
    lift = (ambiguous | soft | shouting) & sorted_member(pairs, firm)
    confidence[lift] = np.maximum(confidence[lift], corroborated)
    return np.round(confidence, 3)
