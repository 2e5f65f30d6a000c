"""Follow-up: did later briefings report what an expected event announced?

For each expected event, the sentences of other briefings dated after it and inside its
window (plus ``watchlist_grace_days`` for news that lags) that name every one of its
countries, carry a cue of the same family that they report as having happened (no
negation, reversal, hedge or "still to come" word before it, not called off, not an
infinitive), share what the event is about (content words of the clause that expects it,
conditions out: more for an event of one country, without a date or with a condition) and
do not themselves look forward, are its evidence. An expectation that something will not
happen ("will not attend") has none.
An event with evidence is ``reported``; one without is ``open`` while its window (plus the
grace) has not ended by the corpus' latest date, else ``not seen``. A heuristic: the
evidence is always kept beside the verdict.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from analytics import schema as S
from analytics import settings
from analytics.artefacts import positions_in
from analytics.errors import InputError
from analytics.frames import compact, expanded
from analytics.parallel import release_freed_memory
from analytics.relations import (
    ACTOR_KINDS,
    CueMatch,
    Lexicon,
    TextBatch,
    default_lexicon,
    sentence_spans,
)
from analytics.watchlist.certainty import (
    CertaintyWords,
    default_certainty_words,
    without_conditions,
    without_conditions_batch,
)
from analytics.watchlist.families import cue_family

# Reads the briefings at some positions of the briefing table with their texts (title,
# sections, body): the rows of ``follow_up``'s ``texts_at``.
TextsAt = Callable[[np.ndarray], pd.DataFrame]

_EVENT = "_event"
_WHAT = "_what"  # the part of an event's sentence that says what is expected
_SEPARATOR = " || "


class _Reports(NamedTuple):
    """Sentences that report something: one row per sentence, country and cue family.

    ``table`` has ``report`` (a sentence: a position in ``keys`` and ``texts``),
    ``iso3``, ``cue_family``, ``briefing`` (an integer code of the briefing id) and
    ``day`` (the briefing's day); ``keys`` gives each report sentence's briefing id,
    section, sentence index and date; ``common`` the stems of the words in a large share
    of the sentences read (``_common_stems``).
    """

    table: pd.DataFrame
    keys: pd.DataFrame
    texts: list[str]
    common: frozenset[str]


def _covered(days: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Whether each day falls inside one of the windows ``[starts, ends]``."""
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], np.maximum.accumulate(ends[order])
    last = np.searchsorted(starts, days, side="right") - 1
    return (last >= 0) & (days <= ends[np.maximum(last, 0)])


def _evidence(
    events: pd.DataFrame,
    briefings: pd.DataFrame,
    mentions: pd.DataFrame,
    windows: tuple[np.ndarray, np.ndarray],
    lexicon: Lexicon,
    words: CertaintyWords,
    grace: pd.Timedelta,
    shown: _Shown,
    texts_at: TextsAt | None = None,
) -> None:
    """Gather each event's evidence into ``shown`` from its report sentences
    (``_matches``), read from the briefings dated inside some event's window, a stretch of
    consecutive days at a time.

    A stretch holds at most ``watchlist_follow_up_briefings`` briefings (a day is never
    cut), so memory holds one stretch's sentences, not the corpus'. The common words
    (``_common_stems``) are those of all the sentences read: with several stretches their
    document frequencies are counted stretch by stretch and summed before any event is
    matched, then each stretch's sentences are cut again and matched with the events whose
    window meets it. The evidence is the same for any stretch size. With ``texts_at``, the
    texts of a stretch's briefings are read when it is (twice), not held for the corpus.
    Mentions and each stretch's reports are held compact between uses (``frames``).
    """

    def with_texts(ids: pd.Series) -> pd.DataFrame:
        if texts_at is None:
            return briefings
        rows = np.flatnonzero(briefings[S.BRIEFING_ID].isin(pd.unique(ids)).to_numpy())
        return texts_at(rows) if len(rows) else briefings.iloc[:0]

    dates = briefings[[S.BRIEFING_ID, S.DATE]].drop_duplicates(S.BRIEFING_ID, keep="last")
    days = dates[S.DATE].dt.tz_localize(None).dt.normalize().to_numpy()
    inside = _covered(days, *windows)
    dates, days = dates.loc[inside], days[inside]
    # Only the columns the reports are cut by: a copy of every column of a million
    # briefings' mentions would hold gigabytes of surfaces the follow-up never reads.
    usable = _rows_where(
        mentions,
        _reporting(mentions) & mentions[S.BRIEFING_ID].isin(dates[S.BRIEFING_ID]),
        [S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX, S.ISO3],
    )
    stretch_of_day, bounds = _stretches(days, int(settings.value("watchlist_follow_up_briefings")))
    if len(bounds) <= 1:
        usable = expanded(usable)
        reports = _reports(with_texts(usable[S.BRIEFING_ID]), usable, dates, lexicon, words)
        common = _common_stems(reports.texts)
        shown.add(_matches(events, reports._replace(common=common), grace))
        return
    stretch_of_row = stretch_of_day[
        _positions(pd.Index(dates[S.BRIEFING_ID]), usable[S.BRIEFING_ID])
    ]
    parts: list[_Reports] = []
    frequencies: list[pd.Series] = []
    n_texts = 0
    for stretch in range(len(bounds)):
        stretch_usable = expanded(usable[stretch_of_row == stretch])
        part = _reports(
            with_texts(stretch_usable[S.BRIEFING_ID]),
            stretch_usable,
            dates[stretch_of_day == stretch],
            lexicon,
            words,
        )
        frequencies.append(_stem_frequencies(part.texts))
        n_texts += len(part.texts)
        # Cut again when matched, and held compact until then: memory for one stretch's
        # sentences, and small integers for the others' keys.
        parts.append(part._replace(texts=[], table=compact(part.table), keys=compact(part.keys)))
    total = pd.concat(frequencies).groupby(level=0).sum() if frequencies else pd.Series()
    common = _common_of(total, n_texts)
    del frequencies, stretch_usable, part
    release_freed_memory()  # the first pass' sentences and cue matches
    starts, ends = windows
    for low, high in bounds:
        part = parts.pop(0)  # dropped once matched
        if part.keys.empty:
            continue
        keys, table = expanded(part.keys), expanded(part.table)
        del part
        meets = (starts <= high) & (ends >= low)
        texts = _report_texts(with_texts(keys[S.BRIEFING_ID]), keys)
        shown.add(_matches(events[meets], _Reports(table, keys, texts, common), grace))
        del keys, table, texts
        release_freed_memory()  # the stretch's sentences and candidates


def _positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Each value's position in ``index`` (-1 when absent, ``artefacts.positions_in``); a
    column of categories is looked up by its categories, not value by value."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        at = positions_in(pd.Series(values.cat.categories), index)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, at[codes], -1)
    return positions_in(values, index)


# The order in which an event's evidence is shown: by date, briefing and place.
_EVIDENCE_ORDER = [_EVENT, S.DATE, S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX]


class _Shown:
    """The evidence of ``n_events`` events (numbered by ``_EVENT``), gathered a stretch at
    a time (``add``, stretches in the order of their days) and kept as it is shown
    (``columns``).

    An event shows the ids of its reporting briefings, earliest first, and its first
    ``watchlist_evidence`` report sentences (in ``_EVIDENCE_ORDER``), each after its day. A
    report sentence is of one stretch and the stretches follow the days, so each event's
    briefings in stretch order are its briefings in order, and a stretch adds sentences
    only to the events that still show fewer than the limit: a million briefings'
    evidence is held as an event number and a briefing number per row, and the sentences
    shown, never every sentence found.
    """

    def __init__(self, n_events: int) -> None:
        self.n_events = n_events
        self.limit = int(settings.value("watchlist_evidence"))
        self.lines_of = np.zeros(n_events, dtype=np.int64)  # sentences each event shows
        self.events: list[np.ndarray] = []
        self.briefings: list[np.ndarray] = []
        self.ids: list[pa.Array] = []  # the briefing ids of each stretch, by number
        self.line_events: list[np.ndarray] = []
        self.lines: list[pa.Array] = []
        self.numbered = 0

    def add(self, found: pd.DataFrame) -> None:
        """Take a stretch's report sentences (``_matches``: one row per event and report)."""
        if found.empty:
            return
        found = found.sort_values(_EVIDENCE_ORDER, kind="stable")
        found = found.drop_duplicates([_EVENT, S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX])
        event = found[_EVENT].to_numpy(dtype=np.int64)
        first = ~found.duplicated([_EVENT, S.BRIEFING_ID]).to_numpy()
        number, ids = pd.factorize(found[S.BRIEFING_ID].to_numpy(dtype=object)[first])
        self.events.append(event[first])
        self.briefings.append(number.astype(np.int64) + self.numbered)
        self.ids.append(pa.array(np.asarray(ids, dtype=object), pa.large_string()))
        self.numbered += len(ids)
        place = found.groupby(_EVENT, sort=False).cumcount().to_numpy()
        wanted = place + self.lines_of[event] < self.limit
        if not wanted.any():
            return
        chosen = found[wanted]
        days = chosen[S.DATE].dt.strftime("%Y-%m-%d")
        lines = (days + ": " + chosen[S.SENTENCE]).to_numpy(dtype=object)
        self.lines.append(pa.array(lines, pa.large_string()))
        self.line_events.append(event[wanted])
        np.add.at(self.lines_of, event[wanted], 1)

    def columns(self) -> tuple[pd.Series, pd.Series]:
        """Each event's ``EVIDENCE_IDS`` and ``EVIDENCE`` ("" without evidence), made in
        Arrow: no Python string per briefing named."""
        if not self.events:
            empty = pd.Series([""] * self.n_events, dtype="str")
            return empty, empty.copy()
        ids = pa.concat_arrays(self.ids)
        numbers = np.concatenate(self.briefings)
        evidence_ids = _joined(
            np.concatenate(self.events), lambda rows: ids.take(numbers[rows]), "|", self.n_events
        )
        lines = pa.chunked_array(self.lines, pa.large_string())
        evidence = _joined(np.concatenate(self.line_events), lines.take, _SEPARATOR, self.n_events)
        return evidence_ids, evidence


# Groups whose values ``_joined`` joins at a time.
_JOINED_AT_ONCE = 100_000


def _joined(
    groups: np.ndarray,
    values_at: Callable[[np.ndarray], pa.Array | pa.ChunkedArray],
    separator: str,
    size: int,
) -> pd.Series:
    """Each of ``size`` groups' values joined by ``separator`` ("" for a group without
    any), in the order of the values within a group: ``groups`` gives each value's group,
    ``values_at`` the values at some positions. Joined ``_JOINED_AT_ONCE`` groups at a
    time, so that only the joined strings are held whole."""
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    ends = np.r_[starts[1:], len(order)]
    separated = pa.scalar(separator, pa.large_string())
    pieces: list[pa.Array] = [pa.array([""], pa.large_string())]
    for first in range(0, len(starts), _JOINED_AT_ONCE):
        low, high = starts[first], ends[min(first + _JOINED_AT_ONCE, len(starts)) - 1]
        chunk = starts[first : first + _JOINED_AT_ONCE] - low
        values = values_at(order[low:high])
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        offsets = pa.array(np.r_[chunk, high - low].astype(np.int64), pa.int64())
        pieces.append(pc.binary_join(pa.LargeListArray.from_arrays(offsets, values), separated))
    # "" first, then the joined strings: each group takes its own, the others "".
    at = np.zeros(size, dtype=np.int64)
    at[sorted_groups[starts]] = np.arange(1, len(starts) + 1)
    whole = pa.chunked_array(pieces, pa.large_string()).take(at)
    return pd.Series(whole.to_pandas(), dtype="str")


def _reporting(mentions: pd.DataFrame) -> pd.Series:
    """Whether each mention can place a report: an acting country (``ACTOR_KINDS``, an
    ISO code) outside "What's Next?", which looks forward."""
    return (
        mentions[S.KIND].isin(ACTOR_KINDS)
        & mentions[S.ISO3].notna()
        & (mentions[S.SECTION] != S.NEXT)
    )


def _rows_where(
    table: pd.DataFrame, keep: pd.Series, columns: list[str] | None = None
) -> pd.DataFrame:
    """The rows ``keep`` marks (of ``columns``, default all); no copy of the columns when
    it marks every row."""
    chosen = list(table.columns) if columns is None else columns
    return table[chosen] if bool(keep.all()) else table.loc[keep, chosen]


def report_mentions(mentions: pd.DataFrame) -> pd.DataFrame:
    """The mentions by which the follow-up can place a report sentence, in their order:
    passed to ``follow_up`` instead of every mention, they give the same follow-up."""
    return _rows_where(mentions, _reporting(mentions))


def _stretches(
    days: np.ndarray, size: int
) -> tuple[np.ndarray, list[tuple[np.datetime64, np.datetime64]]]:
    """Each briefing's stretch of consecutive days holding at most ``size`` briefings
    (more when one day holds more), and each stretch's first and last day."""
    if len(days) == 0:
        return np.zeros(0, dtype=np.int64), []
    unique, per_day = np.unique(days, return_counts=True)
    stretch = np.zeros(len(unique), dtype=np.int64)
    held = 0
    for i, count in enumerate(per_day.tolist()):
        if held and held + count > size:
            stretch[i] = stretch[i - 1] + 1
            held = 0
        elif i:
            stretch[i] = stretch[i - 1]
        held += count
    first = np.flatnonzero(np.append(True, stretch[1:] != stretch[:-1]))
    last = np.append(first[1:] - 1, len(unique) - 1)
    bounds = list(zip(unique[first].tolist(), unique[last].tolist(), strict=True))
    bounds = [(np.datetime64(low, "ns"), np.datetime64(high, "ns")) for low, high in bounds]
    return stretch[np.searchsorted(unique, days)], bounds


def _report_texts(briefings: pd.DataFrame, keys: pd.DataFrame) -> list[str]:
    """The text of each report sentence named by ``keys`` (briefing id, section, index)."""
    spans = sentence_spans(
        briefings,
        keys[S.BRIEFING_ID].to_numpy(dtype=object),
        keys[S.SECTION].to_numpy(dtype=object),
        keys[S.SENTENCE_INDEX].to_numpy(dtype=np.int64),
    )
    if spans is None:
        return []
    joined, _, starts, ends = spans
    return [joined[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]


def _reports(
    briefings: pd.DataFrame,
    usable: pd.DataFrame,
    dates: pd.DataFrame,
    lexicon: Lexicon,
    words: CertaintyWords,
) -> _Reports:
    """The report sentences among the sentences ``usable`` mentions name (acting
    countries outside "What's Next?"), of the briefings in ``dates``.

    Forward-looking sentences ("What's Next?", a certainty word, a time still to come such
    as "tomorrow" or "next month") and headlines in capitals report nothing; only the
    others are scanned for cues, their condition clauses blanked ("if Washington imposes
    the tariffs" reports no tariffs).
    """
    keys = [S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX]
    countries = usable[[*keys, S.ISO3]].drop_duplicates()
    heads = countries[keys].drop_duplicates().reset_index(drop=True)
    columns = ["report", S.ISO3, S.CUE_FAMILY, "briefing", "day"]
    texts = _report_texts(briefings, heads) if not heads.empty else []
    if not texts:
        return _Reports(
            pd.DataFrame(columns=columns), heads.assign(**{S.DATE: []}), [], frozenset()
        )
    report_of, families = [], []
    # Read in slices: the certainty words, conditions and cue matches of a slice are
    # dropped once its families are listed, so memory holds one slice's, not the corpus'.
    for first in range(0, len(texts), _SLICE):
        part = texts[first : first + _SLICE]
        sure = words.certainty_batch(TextBatch(part))
        plain = [
            first + i
            for i, found in enumerate(sure)
            if found is None and not _headline(part[i]) and not _TO_COME.search(part[i])
        ]
        read = without_conditions_batch([texts[i] for i in plain])
        for i, found in zip(plain, _reported_cues(read, lexicon), strict=True):
            for family in dict.fromkeys(cue_family(match.cue.cameo) for match in found):
                if family:
                    report_of.append(i)
                    families.append(family)
    found_families = pd.DataFrame(
        {"report": np.asarray(report_of, dtype=np.int64), S.CUE_FAMILY: families}
    )
    heads["report"] = np.arange(len(heads))
    heads = heads.merge(dates, on=S.BRIEFING_ID, how="left")
    located = countries.merge(heads[[*keys, "report"]], on=keys)[["report", S.ISO3]]
    table = found_families.merge(located, on="report")
    table["briefing"] = pd.factorize(heads[S.BRIEFING_ID])[0][table["report"].to_numpy()]
    table["day"] = (
        heads[S.DATE].dt.tz_localize(None).dt.normalize().to_numpy()[table["report"].to_numpy()]
    )
    return _Reports(table[columns], heads[[*keys, S.DATE]], texts, frozenset())


# Report sentences read at a time (certainty, conditions, cues).
_SLICE = 20_000


# A sentence naming a time still to come tells a plan, not a report: "Shultz would go to
# Moscow next month for talks", "the talks open tomorrow".
_TO_COME = re.compile(
    r"\b(?:tomorrow|next\s+(?:week|month|year|spring|summer|autumn|fall|winter|monday|"
    r"tuesday|wednesday|thursday|friday|saturday|sunday)|later\s+(?:this|in\s+the)\s+"
    r"(?:week|month|year)|(?:in|over|during)\s+the\s+(?:coming|next)\s+(?:\w+\s+)?"
    r"(?:days|weeks|months|years))\b",
    re.IGNORECASE,
)


# Tables deleting the Latin letters, and the lower-case ones: letters are counted by C
# loops (``str.translate``), not a Python loop over every character of every sentence.
_LOWER_LETTERS = "abcdefghijklmnopqrstuvwxyz" + "".join(
    map(chr, [*range(0xDF, 0xF7), *range(0xF8, 0x100)])
)
_LATIN_LETTERS = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    + "".join(map(chr, [*range(0xC0, 0xD7), *range(0xD8, 0xDF)]))
    + _LOWER_LETTERS
)
_DROP_LATIN = str.maketrans("", "", _LATIN_LETTERS)
_DROP_LOWER = str.maketrans("", "", _LOWER_LETTERS)


def _headline(text: str) -> bool:
    """Whether a sentence is a headline written in capitals ("LYNG SAYS NO DECISION ON
    SOVIET OFFER"): its tense and negation are cut, so it cannot say an act happened.
    Twelve Latin letters at least, nine in ten of them capitals."""
    letters = len(text) - len(text.translate(_DROP_LATIN))
    lower = len(text) - len(text.translate(_DROP_LOWER))
    return letters >= 12 and lower <= 0.1 * letters


def _common_stems(texts: list[str]) -> frozenset[str]:
    """Stems of the content words found in more than ``watchlist_common_share`` of
    ``texts`` (and in ``watchlist_common_min`` of them at least).

    A word most sentences of a corpus hold ("trade", "market", "prices" on an economic
    wire; "killed" in a war's news) says nothing about which act a sentence reports.
    Document frequencies are counted once over all the texts (a sparse word matrix, words
    folded onto their stems by a second sparse product).
    """
    return _common_of(_stem_frequencies(texts), len(texts))


def _stem_frequencies(texts: list[str]) -> pd.Series:
    """How many of ``texts`` hold each content word's stem (stem -> count): counts of
    separate sets of texts add up."""
    if not texts:
        return pd.Series(dtype=np.int64)
    vectorizer = CountVectorizer(
        token_pattern=_CONTENT_WORD.pattern, lowercase=True, binary=True, dtype=np.int32
    )
    try:
        counts = vectorizer.fit_transform(texts)
    except ValueError:  # no content word in any text
        return pd.Series(dtype=np.int64)
    words = vectorizer.get_feature_names_out()
    stems, stem_of = np.unique([_SUFFIX.sub("", word) for word in words], return_inverse=True)
    fold = sparse.csr_matrix(
        (np.ones(len(words), dtype=np.int32), (np.arange(len(words)), stem_of)),
        shape=(len(words), len(stems)),
    )
    frequency = np.asarray(((counts @ fold) > 0).sum(axis=0)).ravel()
    return pd.Series(frequency.astype(np.int64), index=stems)


def _common_of(frequency: pd.Series, n_texts: int) -> frozenset[str]:
    """The stems in more than ``watchlist_common_share`` of ``n_texts`` texts (and in
    ``watchlist_common_min`` of them at least)."""
    share = float(settings.value("watchlist_common_share"))
    least = int(settings.value("watchlist_common_min"))
    if n_texts < least or frequency.empty:
        return frozenset()
    common = (frequency > share * n_texts) & (frequency >= least)
    return frozenset(frequency.index[common.to_numpy()].tolist())


# A cue the sentence then calls off reports nothing: "the meeting ... is cancelled",
# "talks were postponed", "the vote has been put off". Active forms before the cue
# ("cancels the summit") are reversals of the cue lexicon.
_CALLED_OFF = re.compile(
    r"\b(?:is|are|was|were|be|been|being|get|got)\s+(?:\w+ly\s+)?"
    r"(?:cancell?ed|postponed|delayed|deferred|called\s+off|put\s+off|suspended|scrapped|"
    r"shelved|abandoned|halted|blocked|rejected|vetoed)\b"
    r"|\b(?:postpone[sd]?|postponing|delay(?:s|ed|ing)?|defer(?:s|red|ring)?|"
    r"call(?:s|ed|ing)?\s+off|put(?:s|ting)?\s+off)\b",
    re.IGNORECASE,
)


# A cue these stand before has not happened yet: "ahead of an expected launch", "before
# a visit by", "prior to the talks".
_NOT_YET = re.compile(
    r"\b(?:ahead\s+of|before|prior\s+to|in\s+preparation\s+for|(?:an?\s+)?expected|"
    r"awaited|forthcoming|planned|proposed|possible)\b",
    re.IGNORECASE,
)


_TO_BEFORE = re.compile(r"\bto\s+$", re.IGNORECASE)


def _words_between(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


def _reported_cues(texts: list[str], lexicon: Lexicon) -> list[list[CueMatch]]:
    """The cues each sentence reports as having happened.

    A cue does not report its event when a negation ("did not meet", "refused to sign"),
    a reversal ("lifted sanctions", "cancels the summit") or a hedge ("called for
    sanctions", "urged talks", "if ... meets") or a word saying it is still to come
    ("ahead of the summit", "before a visit") stands up to the lexicon's window of
    words before it, nor when a verb cue is an infinitive ("flies to Paris to hold
    talks": an intention), nor when the sentence calls it off ("postponed the talks", "the
    meeting ... is cancelled"). Stop phrases and the joint words that only tie a list
    together ("said", "forces") are left out.
    """
    reported: list[list[CueMatch]] = [[] for _ in texts]
    # Only sentences with a cue that names an event can report one: the modifiers and the
    # other words before a cue are looked for in those alone.
    eventful = [
        (i, found)
        for i, found in enumerate(lexicon.find_cues_batch(TextBatch(texts)))
        if any(match.cue.names_an_event for match in found)
    ]
    batch = TextBatch([texts[i] for i, _ in eventful])
    modifiers = [
        lexicon.find_modifiers_batch(batch, kind) for kind in ("negation", "reversal", "hedge")
    ]
    for row, (i, found) in enumerate(eventful):
        text = texts[i]
        called_off = [found.span() for found in _CALLED_OFF.finditer(text)]
        not_yet = [found.span() for found in _NOT_YET.finditer(text)]
        before = [*called_off, *not_yet, *(span for spans in modifiers for span in spans[row])]
        kept = []
        for match in found:
            if not match.cue.names_an_event:
                continue
            if any(start >= match.end for start, _ in called_off):
                continue
            if match.cue.pos == "verb" and _TO_BEFORE.search(text, 0, match.start):
                continue  # "travels to Paris to hold talks": an intention, not a report
            if any(
                end <= match.start and _words_between(text, end, match.start) <= lexicon.window
                for _, end in before
            ):
                continue
            kept.append(match)
        reported[i] = kept
    return reported


def follow_up(
    watchlist: pd.DataFrame,
    briefings: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    as_of: pd.Timestamp | None = None,
    lexicon: Lexicon | None = None,
    certainty_words: CertaintyWords | None = None,
    texts_at: TextsAt | None = None,
) -> pd.DataFrame:
    """Each expected event with its follow-up status and the evidence behind it.

    Parameters:
        watchlist: expected events (``schema.WATCHLIST_COLUMNS``).
        briefings: the briefing table the events and their reports come from (only its
            ids and dates are read when ``texts_at`` is given).
        mentions: its country mentions (``schema.MENTION_COLUMNS``).
        as_of: the day the follow-up is made on; default the corpus' latest date.
        lexicon: the cue lexicon (default ``data/cues.csv``).
        certainty_words: the certainty table compiled (default ``data/certainty.csv``).
        texts_at: reads the rows of ``briefings`` at the positions given with their
            texts (title, the three sections and ``text``), as a store reads a few rows:
            the texts are then read a stretch of days at a time (``_evidence``), never
            held for the whole corpus. Default: ``briefings`` holds them.

    Returns:
        ``schema.FOLLOW_UP_COLUMNS``, the watchlist's rows in its order: ``follow_up`` is
        reported / not seen / open, ``evidence_ids`` the reporting briefings
        (``|``-separated, earliest first) and ``evidence`` their sentences, each after its
        date (at most ``watchlist_evidence``, `` || ``-separated).

    Raises:
        InputError: when a table lacks its columns.
    """
    missing = [column for column in S.WATCHLIST_COLUMNS if column not in watchlist.columns]
    if missing:
        raise InputError(
            f"watchlist must have columns {', '.join(S.WATCHLIST_COLUMNS)}; missing {missing!r}"
        )
    # A new frame: the columns added below never reach ``watchlist``, and no copy of a
    # million events' sentences is made.
    table = watchlist.reset_index(drop=True)
    table[S.FOLLOW_UP] = pd.Series(dtype=object)
    table[S.EVIDENCE_IDS] = ""
    table[S.EVIDENCE] = ""
    if table.empty:
        return table[list(S.FOLLOW_UP_COLUMNS)]
    grace = pd.Timedelta(days=int(settings.value("watchlist_grace_days")))
    if as_of is None:
        as_of = briefings[S.DATE].max()
    as_of_day = (
        pd.Timestamp(as_of).tz_localize(None).normalize()
        if pd.Timestamp(as_of).tzinfo
        else pd.Timestamp(as_of).normalize()
    )
    events = table[
        [
            S.BRIEFING_ID,
            S.DATE,
            S.SECTION,
            S.SENTENCE,
            S.COUNTRIES,
            S.CUES,
            S.CUE_FAMILY,
            S.WHEN_KIND,
            S.WINDOW_START,
            S.WINDOW_END,
        ]
    ]
    events = events.assign(**{_EVENT: np.arange(len(table))})
    events = events[events[S.CUE_FAMILY] != ""]
    certainty_words = certainty_words or default_certainty_words()
    expected = [
        _expected_part(sentence, section == S.NEXT, certainty_words)
        for sentence, section in zip(events[S.SENTENCE], events[S.SECTION], strict=True)
    ]
    # An expectation that something will not happen is not followed up: no report can
    # say it happened.
    events = events.assign(**{_WHAT: [part or "" for part in expected]})
    events = events[[part is not None for part in expected]]
    shown = _Shown(len(table))
    if not events.empty:
        windows = (
            events[S.WINDOW_START].to_numpy(dtype="datetime64[ns]"),
            (events[S.WINDOW_END] + grace).to_numpy(dtype="datetime64[ns]"),
        )
        _evidence(
            events,
            briefings,
            mentions,
            windows,
            lexicon or default_lexicon(),
            certainty_words,
            grace,
            shown,
            texts_at,
        )
    table[S.EVIDENCE_IDS], table[S.EVIDENCE] = shown.columns()
    over = (table[S.WINDOW_END] + grace) < as_of_day
    table[S.FOLLOW_UP] = np.where(
        table[S.EVIDENCE_IDS] != "", S.REPORTED, np.where(over, S.NOT_SEEN, S.OPEN)
    )
    return table[list(S.FOLLOW_UP_COLUMNS)]


# Where a clause ends: the clauses before the one holding the certainty word tell what
# has happened ("Israel has imprisoned 487 people, while 48 will be expelled").
_CLAUSE_BREAK = re.compile(r"[,;:\u2013\u2014]\s|\s(?:while|whereas)\s", re.IGNORECASE)
# A certainty word followed by a negation expects that something will not happen.
_NEGATED_AFTER = re.compile(r"\s+(?:not|never)\b|n[o']t\b", re.IGNORECASE)


def _expected_part(sentence: str, in_next: bool, words: CertaintyWords) -> str | None:
    """What a sentence expects: the clause of the certainty word that governs it, from its
    start to the sentence's end (earlier clauses tell what has happened), its condition
    clauses out; the whole sentence in "What's Next?" or without a certainty word.
    ``None`` when the certainty word is negated ("will not attend", "won't sign"): it
    expects that nothing happens.
    """
    sure = None if in_next else words.certainty(sentence)
    if sure is None:
        return without_conditions(sentence)
    if _NEGATED_AFTER.match(sentence, sure.end) or sure.phrase.lower().endswith(
        ("n't", "n\u2019t")
    ):
        return None
    breaks = list(_CLAUSE_BREAK.finditer(sentence, 0, sure.end - len(sure.phrase)))
    return without_conditions(sentence[breaks[-1].end() if breaks else 0 :])


def _matches(events: pd.DataFrame, reports: _Reports, grace: pd.Timedelta) -> pd.DataFrame:
    """Report sentences of each event: inside its window, every country, same family, naming
    its act and saying what it is about (``_share_what``).

    Returns:
        One row per event and report sentence: ``_EVENT``, briefing id, section, sentence
        index, sentence and date of the report.
    """
    if reports.table.empty:
        return pd.DataFrame()
    per_country = events.assign(**{S.ISO3: events[S.COUNTRIES].str.split("|")}).explode(S.ISO3)
    needed = per_country.groupby(_EVENT).size()
    report_ids = pd.Index(pd.unique(reports.keys[S.BRIEFING_ID]))
    per_country = per_country.assign(
        own=report_ids.get_indexer(per_country[S.BRIEFING_ID]),
        event_day=per_country[S.DATE].dt.tz_localize(None).dt.normalize(),
    )
    kept = _naming_all(per_country, reports.table, grace, needed)
    kept = kept[~_older(reports, kept, events)]
    kept = kept[
        _share_what(
            events,
            kept[_EVENT].to_numpy(),
            kept["report"].to_numpy(),
            reports.texts,
            needed,
            reports.common,
        )
    ]
    rows = reports.keys.iloc[kept["report"].to_numpy()].reset_index(drop=True)
    rows[_EVENT] = kept[_EVENT].to_numpy()
    rows[S.SENTENCE] = [reports.texts[i] for i in kept["report"].tolist()]
    return rows


_NS_PER_DAY = 86_400_000_000_000


def _day_numbers(values: pd.Series, *, up: bool) -> tuple[np.ndarray, np.ndarray]:
    """Whole days since 1970 of timestamps (rounded up with ``up``, else down), and
    whether each is a time at all (not NaT)."""
    stamps = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
    ns = stamps.to_numpy(dtype="datetime64[ns]").view(np.int64)
    known = ~np.isnat(stamps.to_numpy(dtype="datetime64[ns]"))
    days = -(-ns // _NS_PER_DAY) if up else ns // _NS_PER_DAY
    return np.where(known, days, 0), known


class _Runs(NamedTuple):
    """Where each event row's candidate reports lie (``_window_runs``): the reports of
    its country and family dated inside its window are ``order[begin[i]:end[i]]``, for
    the event row ``rows[i]``; ``first`` is each run's place among all the candidates."""

    rows: np.ndarray
    begin: np.ndarray
    end: np.ndarray
    order: np.ndarray
    first: np.ndarray

    @property
    def total(self) -> int:
        """How many (event row, report) candidates the runs hold."""
        return int(self.first[-1]) if len(self.first) else 0


def _window_runs(per_country: pd.DataFrame, table: pd.DataFrame, grace: pd.Timedelta) -> _Runs:
    """The run of reports of each event row's country and family whose day falls inside
    its window (plus ``grace``) and after the event's own day: the reports sorted by
    (country and family, day), two binary searches per event row. Nothing is paired yet,
    so the memory is that of the events and reports, however many candidates they make."""
    none = np.zeros(0, dtype=np.int64)
    if per_country.empty or table.empty:
        return _Runs(none, none, none, none, np.zeros(1, dtype=np.int64))
    groups = pd.Index(pd.unique(table[S.ISO3] + "\x1f" + table[S.CUE_FAMILY]))
    report_group = groups.get_indexer(table[S.ISO3] + "\x1f" + table[S.CUE_FAMILY])
    event_group = groups.get_indexer(per_country[S.ISO3] + "\x1f" + per_country[S.CUE_FAMILY])
    report_day, _ = _day_numbers(table["day"], up=False)
    first_day, starts_known = _day_numbers(per_country[S.WINDOW_START], up=True)
    event_day, events_known = _day_numbers(per_country["event_day"], up=False)
    last_day, ends_known = _day_numbers(per_country[S.WINDOW_END] + grace, up=False)
    # The report's day is on or after the window's start, after the event's own day, and
    # on or before the window's end (plus the grace).
    low = np.maximum(first_day, event_day + 1)
    usable = (event_group >= 0) & starts_known & events_known & ends_known & (low <= last_day)
    base = min(int(report_day.min()), int(low[usable].min()) if usable.any() else 0)
    # One sortable key per (group, day): the group in the high bits, the day below.
    key = (report_group.astype(np.int64) << 32) | (report_day - base)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    rows = np.flatnonzero(usable)
    group = event_group[rows].astype(np.int64) << 32
    begin = np.searchsorted(sorted_key, group | (low[rows] - base), side="left")
    end = np.searchsorted(sorted_key, group | (last_day[rows] - base), side="right")
    first = np.concatenate(([0], np.cumsum(end - begin)))
    return _Runs(rows, begin, end, order, first)


def _candidates(runs: _Runs, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """The candidates ``low`` to ``high`` (their places among all of ``runs``) as (event
    row, report row) positions, in the order of the event rows and, within a run, of
    the reports' days."""
    place = np.arange(low, high, dtype=np.int64)
    run = np.searchsorted(runs.first, place, side="right") - 1
    picked = runs.order[runs.begin[run] + (place - runs.first[run])]
    return runs.rows[run], picked


def _in_window(per_country: pd.DataFrame, table: pd.DataFrame, grace: pd.Timedelta) -> pd.DataFrame:
    """Each (event, report sentence, country) where the report names the country with a
    cue of the event's family, comes from another briefing, and is dated after the event
    and inside its window (plus ``grace``): every candidate of ``_window_runs`` at once
    (``_naming_all`` takes them a budget at a time)."""
    runs = _window_runs(per_country, table, grace)
    taken, picked = _candidates(runs, 0, runs.total)
    other = table["briefing"].to_numpy()[picked] != per_country["own"].to_numpy()[taken]
    return pd.DataFrame(
        {
            _EVENT: per_country[_EVENT].to_numpy()[taken][other],
            "report": table["report"].to_numpy()[picked][other],
            S.ISO3: per_country[S.ISO3].to_numpy()[taken][other],
        }
    )


def _naming_all(
    per_country: pd.DataFrame, table: pd.DataFrame, grace: pd.Timedelta, needed: pd.Series
) -> pd.DataFrame:
    """The (event, report) pairs in which the report is inside the event's window (see
    ``_window_runs``) and names every country of the event with a cue of its family, in
    no particular order.

    The window is the event's, whichever of its countries is looked up: each event is
    joined on the country of its family with the fewest reports, and the candidates found
    keep those whose report names the event's other countries too (looked up as
    whole-number keys). An event naming a country twice asks for more countries than it
    has and is never reported (``needed`` counts its countries as listed).

    The candidates are made ``watchlist_follow_up_pairs`` at a time and only those kept
    are held: at a million briefings a stretch's events meet tens of millions of report
    sentences of their countries and family, of which a tenth name every country.
    """
    columns = [_EVENT, "report"]
    distinct = per_country.drop_duplicates([_EVENT, S.ISO3])
    listed = distinct.groupby(_EVENT).size()
    complete = listed.index[listed.to_numpy() == needed.reindex(listed.index).to_numpy()]
    distinct = distinct[distinct[_EVENT].isin(complete)]
    if distinct.empty or table.empty:
        return pd.DataFrame(columns=columns)
    sizes = table.groupby([S.ISO3, S.CUE_FAMILY]).size()
    distinct = distinct.assign(
        _reports=sizes.reindex(pd.MultiIndex.from_frame(distinct[[S.ISO3, S.CUE_FAMILY]]))
        .fillna(0)
        .to_numpy()
    )
    rarest = distinct.sort_values([_EVENT, "_reports", S.ISO3], kind="stable")
    rarest = rarest.drop_duplicates(_EVENT)
    runs = _window_runs(rarest, table, grace)
    others = distinct.merge(rarest[[_EVENT, S.ISO3]], on=_EVENT, suffixes=("", "_looked_up"))
    others = others[others[S.ISO3] != others[f"{S.ISO3}_looked_up"]]
    others = others.sort_values(_EVENT, kind="stable")
    # Every (report, country, family) the reports hold, and each other country (and
    # family) of an event, as whole numbers: report * width + code, code -1 if unheld.
    countries = pd.Index(pd.unique(table[S.ISO3]))
    families = pd.Index(pd.unique(table[S.CUE_FAMILY]))
    width = len(countries) * len(families)

    def codes(iso3: pd.Series, family: pd.Series) -> np.ndarray:
        country, kind = countries.get_indexer(iso3), families.get_indexer(family)
        return np.where((country >= 0) & (kind >= 0), country * len(families) + kind, -1)

    held_code = codes(table[S.ISO3], table[S.CUE_FAMILY])
    held = np.sort(
        np.where(held_code >= 0, table["report"].to_numpy(dtype=np.int64) * width + held_code, -1)
    )
    other_event = others[_EVENT].to_numpy(dtype=np.int64)
    other_code = codes(others[S.ISO3], others[S.CUE_FAMILY])
    event_of_row = rarest[_EVENT].to_numpy(dtype=np.int64)
    own_of_row = rarest["own"].to_numpy(dtype=np.int64)
    report_of_row = table["report"].to_numpy(dtype=np.int64)
    briefing_of_row = table["briefing"].to_numpy(dtype=np.int64)
    budget = max(int(settings.value("watchlist_follow_up_pairs")), 1)
    kept_events: list[np.ndarray] = []
    kept_reports: list[np.ndarray] = []
    for low in range(0, runs.total, budget):
        taken, picked = _candidates(runs, low, min(low + budget, runs.total))
        other = briefing_of_row[picked] != own_of_row[taken]
        event, report = event_of_row[taken[other]], report_of_row[picked[other]]
        del taken, picked, other
        if len(other_event):
            # Each candidate, once per other country of its event.
            first = np.searchsorted(other_event, event, side="left")
            count = np.searchsorted(other_event, event, side="right") - first
            pair = np.repeat(np.arange(len(event)), count)
            row = np.repeat(first, count) + (
                np.arange(len(pair)) - np.repeat(np.cumsum(count) - count, count)
            )
            code = other_code[row]
            wanted = np.where(code >= 0, report[pair] * width + code, -1)
            at = np.minimum(np.searchsorted(held, wanted), len(held) - 1)
            present = (wanted >= 0) & (held[at] == wanted)
            missing = np.bincount(pair[~present], minlength=len(event)) > 0
            event, report = event[~missing], report[~missing]
        kept_events.append(event)
        kept_reports.append(report)
    if not kept_events:
        return pd.DataFrame({_EVENT: np.zeros(0, np.int64), "report": np.zeros(0, np.int64)})
    return pd.DataFrame(
        {_EVENT: np.concatenate(kept_events), "report": np.concatenate(kept_reports)}
    )


# A time a report names that ended before the expectation was written: "last year",
# "last summer", "in 1978", "a July 1986 agreement", "two years ago".
_PAST = re.compile(
    r"\blast\s+(?P<last>year|month|week|spring|summer|autumn|fall|winter)\b"
    r"|\b(?:(?P<month>january|february|march|april|may|june|july|august|september|october|"
    r"november|december)\s+)?(?<![\d/\u2013-])(?P<year>(?:19|20)\d\d)\b(?![\u2013/.,-]?\d)"
    r"|\b(?P<ago>a|one|two|three|four|five|\d+)\s+(?P<unit>years?|months?)\s+ago\b",
    re.IGNORECASE,
)
_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_SEASON_END = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11, "winter": 2}


def _past_end(text: str, day: pd.Timestamp) -> pd.Timestamp | None:
    """The earliest end of the past periods ``text`` names, resolved against its ``day``
    (``None`` when it names none): "last year" said in 1987 ends on 31 December 1986,
    "last summer" with the last August that is over, "in 1978" on 31 December 1978, "two
    years ago" two years before ``day``. A span of years ("2012-2013") is a name's."""
    ends = []
    for found in _PAST.finditer(text):
        last, month, year = found.group("last"), found.group("month"), found.group("year")
        if found.group("ago"):
            count = found.group("ago").lower()
            number = int(count) if count.isdigit() else _NUMBERS.get(count, 1)
            months = number * (12 if found.group("unit").lower().startswith("year") else 1)
            ends.append(day - pd.DateOffset(months=months))
        elif last:
            unit = last.lower()
            if unit == "year":
                ends.append(pd.Timestamp(day.year - 1, 12, 31))
            elif unit == "month":
                ends.append(day.replace(day=1) - pd.Timedelta(days=1))
            elif unit == "week":
                ends.append(day - pd.Timedelta(days=day.weekday() + 1))
            else:
                end_month = _SEASON_END[unit]
                end_year = day.year if day.month > end_month else day.year - 1
                ends.append(pd.Timestamp(end_year, end_month, 1) + pd.offsets.MonthEnd(0))
        elif year:
            named = _MONTHS.index(month.lower()) + 1 if month else 12
            ends.append(pd.Timestamp(int(year), named, 1) + pd.offsets.MonthEnd(0))
    return min(ends) if ends else None


_MONTHS = [
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december",
]  # fmt: skip


def _older(reports: _Reports, kept: pd.DataFrame, events: pd.DataFrame) -> np.ndarray:
    """Whether each kept pair's report names a time that ended before its event was
    expected ("Last summer the administration offered the Soviets subsidized wheat"): it
    recalls an older act of the same kind, not the one expected."""
    if kept.empty:
        return np.zeros(0, dtype=bool)
    report_days = reports.keys[S.DATE].dt.tz_localize(None).dt.normalize()
    ends = {
        report: _past_end(reports.texts[report], report_days.iloc[report])
        for report in pd.unique(kept["report"]).tolist()
    }
    end = pd.to_datetime(pd.Series([ends[report] for report in kept["report"].tolist()]))
    event_days = events.set_index(_EVENT)[S.DATE].dt.tz_localize(None).dt.normalize()
    expected_on = event_days.reindex(kept[_EVENT]).reset_index(drop=True)
    return (end < expected_on).fillna(False).to_numpy(dtype=bool)


def _share_what(
    events: pd.DataFrame,
    event_of: np.ndarray,
    report_of: np.ndarray,
    texts: list[str],
    needed: pd.Series,
    common: frozenset[str] = frozenset(),
) -> np.ndarray:
    """Whether each report sentence (``texts[report_of]``, of the events ``event_of``) names
    its event's act and says what the event is about, on content words in common (compared
    on their stems: "hosted", "host").

    The act: a word of the report begins as one of the event's cue words does ("offer",
    "offered", "offering"; "meet", "meeting"); a cue of the same family alone ("held talks"
    for "will meet") is another act of its kind. The words in common leave out the
    corpus' ``common`` ones ("trade", "market" on an economic wire). A dated event of
    several countries needs one ("summit", "six-party"); one of a single country two
    besides its cue words (one country and a kind of event match far too much). An undated
    event's window is only the default horizon, so it needs two more: three (four for a
    single country) besides its cue words.

    Each event's and each report sentence's words are read once, into sparse rows over the
    stems (and the act prefixes) the events hold; the pairs are compared by multiplying
    those rows, ``watchlist_follow_up_pairs`` at a time.
    """
    if len(event_of) == 0:
        return np.zeros(0, dtype=bool)
    stop = _stop_words()
    by_event = events.set_index(_EVENT)
    alone = needed.reindex(event_of).to_numpy() == 1
    undated = (by_event[S.WHEN_KIND] == S.UNDATED).reindex(event_of).to_numpy(dtype=bool)
    # Each event: its words beyond the common ones (and beyond its cue words when it is of
    # one country or undated) and its act prefixes, as positions in two vocabularies.
    event_ids, event_row = np.unique(event_of, return_inverse=True)
    report_ids, report_row = np.unique(report_of, return_inverse=True)
    beyond = pd.Series(alone | undated).groupby(event_row).first().to_numpy()
    wanted = by_event.loc[event_ids]
    stems: dict[str, int] = {}
    prefixes: dict[str, int] = {}
    word_rows: list[list[int]] = []
    act_rows: list[list[int]] = []
    for cue_text, what_text, beyond_cue in zip(
        wanted[S.CUES].astype(str).tolist(),
        wanted[_WHAT].astype(str).tolist(),
        beyond.tolist(),
        strict=True,
    ):
        cues = _stems(cue_text, stop)
        words = _stems(what_text, stop) - common
        if beyond_cue:
            words -= cues
        word_rows.append([stems.setdefault(word, len(stems)) for word in words])
        acts = {cue[:_ACT_PREFIX] for cue in cues}
        act_rows.append([prefixes.setdefault(act, len(prefixes)) for act in acts])
    lengths = sorted({len(act) for act in prefixes})
    # Each report sentence: the events' stems it holds, and the act prefixes its words
    # begin with.
    held_rows: list[list[int]] = []
    begun_rows: list[list[int]] = []
    for report in report_ids.tolist():
        found = _CONTENT_WORD.findall(texts[report].lower())
        held = {stems.get(_SUFFIX.sub("", word), -1) for word in found}
        held_rows.append([stem for stem in held if stem >= 0])
        begun = {prefixes.get(word[:length], -1) for word in found for length in lengths}
        begun_rows.append([act for act in begun if act >= 0])
    event_words = _binary_rows(word_rows, len(stems))
    event_acts = _binary_rows(act_rows, len(prefixes))
    report_words = _binary_rows(held_rows, len(stems))
    report_acts = _binary_rows(begun_rows, len(prefixes))
    no_act = np.diff(event_acts.indptr) == 0
    shared = np.zeros(len(event_of), dtype=np.int64)
    acted = np.zeros(len(event_of), dtype=bool)
    at_once = max(int(settings.value("watchlist_follow_up_pairs")), 1)
    for first in range(0, len(event_of), at_once):
        part = slice(first, first + at_once)
        events_part, reports_part = event_row[part], report_row[part]
        shared[part] = _row_sums(event_words[events_part].multiply(report_words[reports_part]))
        acted[part] = no_act[events_part] | (
            _row_sums(event_acts[events_part].multiply(report_acts[reports_part])) > 0
        )
    # Whether each event's sentence holds a condition, worked out once per event.
    holds_condition = np.array(
        [
            without_conditions(str(sentence)) != str(sentence)
            for sentence in wanted[S.SENTENCE].tolist()
        ],
        dtype=bool,
    )
    conditional = holds_condition[event_row]
    needed_words = np.where(alone, 2, 1) + np.where(undated, 2, 0) + np.where(conditional, 1, 0)
    return acted & (shared >= needed_words)


def _binary_rows(rows: list[list[int]], width: int) -> sparse.csr_matrix:
    """A 0/1 matrix with a row per list, holding 1 at each of the list's columns."""
    lengths = np.fromiter((len(row) for row in rows), dtype=np.int64, count=len(rows))
    columns = np.fromiter(
        (column for row in rows for column in row), dtype=np.int64, count=int(lengths.sum())
    )
    pointers = np.concatenate([[0], np.cumsum(lengths)])
    data = np.ones(len(columns), dtype=np.int32)
    return sparse.csr_matrix((data, columns, pointers), shape=(len(rows), max(width, 1)))


def _row_sums(matrix: sparse.spmatrix) -> np.ndarray:
    return np.asarray(matrix.sum(axis=1)).ravel().astype(np.int64)


# How much of a cue word's stem a report's word must begin with to name the same act:
# "investigat" is "investigation", "agre" is "agreement".
_ACT_PREFIX = 7


def _stems(text: str, stop: frozenset[str]) -> set[str]:
    """The content words of ``text`` (stop words out), each cut to a rough stem."""
    return {
        _SUFFIX.sub("", word) for word in _CONTENT_WORD.findall(text.lower()) if word not in stop
    }


# Words of four letters or more; stop words are those of the topic model (English, news
# boilerplate, country and leader names) and the state and place words of the role table
# ("president", "government", "capital"), so what is left says what happens.
_CONTENT_WORD = re.compile(r"[a-z][a-z'-]{3,}")
_SUFFIX = re.compile(r"(?<=...)(?:ing|ed|es|s)$")


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from analytics.relations import load_roles
    from analytics.topics import topic_stop_words

    roles = load_roles()
    titles = roles.loc[roles["kind"].isin(("state", "place")), "word"]
    words = {word for phrase in titles for word in _CONTENT_WORD.findall(phrase.lower())}
    return frozenset(topic_stop_words()) | frozenset(words)
