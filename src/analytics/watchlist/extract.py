"""Expected events: the forward-looking sentences of a corpus with their acting countries,
cue, certainty and expected window.

A sentence looks forward when it is in "What's Next?", carries a certainty word ("will",
"expected to", "could": ``data/certainty.csv``) or names a coming time ("next week",
"upcoming"). It is an expected event when a country acts in it (roles from
``analytics.relations``: datelines, places and nationalities do not act) and the cue
lexicon finds what is to happen. Only sentences that name a country are read, and the
ones of a corpus are cut out of the joined texts in one pass.
"""

from __future__ import annotations

import calendar
import functools
import gc
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics import settings
from analytics.artefacts import empty_watchlist
from analytics.errors import InputError
from analytics.parallel import collection_paused, fork_workers, map_forked
from analytics.relations import (
    ACTOR,
    ACTOR_KINDS,
    Lexicon,
    PhraseIndex,
    TextBatch,
    default_lexicon,
    sentence_roles,
    sentence_spans,
)
from analytics.watchlist.certainty import (
    CertaintyWords,
    default_certainty_words,
    without_conditions_batch,
)
from analytics.watchlist.families import cue_family, default_cue_families
from analytics.watchlist.timing import Window, expected_windows

# Coming times that make a sentence forward-looking without a certainty word.
_COMING_WORDS = (
    "next",
    "coming",
    "upcoming",
    "later this",
    "tomorrow",
    "ahead of",
    "the months ahead",
    "the weeks ahead",
    "scheduled",
)
# Words without which no time expression of ``timing`` can be found (digits aside).
_TIME_WORDS = (
    *(name.lower() for name in calendar.month_name[1:]),
    *(name.lower() for name in calendar.month_abbr[1:]),
    "sept",
    *(name.lower() for name in calendar.day_name),
    *"day days week weeks weekend month months year years quarter tomorrow today".split(),
    *"tonight spring summer autumn fall winter year-end end-year month-end end-month".split(),
    *"fortnight morning afternoon evening christmas year's".split(),
)
_DIGIT = re.compile(r"\d")


@functools.lru_cache(maxsize=4)
def _indexes(words: CertaintyWords) -> tuple[PhraseIndex, PhraseIndex]:
    """The phrase index of certainty and coming words, and that of time words."""
    forward = PhraseIndex([*words.of_phrase, *_COMING_WORDS])
    return forward, PhraseIndex(list(_TIME_WORDS))


class _SentenceMentions(NamedTuple):
    """The mentions of every sentence as arrays; ``of`` makes one sentence's tuples."""

    starts: np.ndarray
    ends: np.ndarray
    iso3: np.ndarray
    kinds: np.ndarray
    bounds: np.ndarray  # sentence i holds mentions bounds[i] to bounds[i + 1]

    def of(self, sentence: int) -> list[tuple[int, int, str, str]]:
        lo, hi = int(self.bounds[sentence]), int(self.bounds[sentence + 1])
        return list(
            zip(
                self.starts[lo:hi].tolist(),
                self.ends[lo:hi].tolist(),
                self.iso3[lo:hi].tolist(),
                self.kinds[lo:hi].tolist(),
                strict=True,
            )
        )


def _sentences_with_countries(
    briefings: pd.DataFrame, mentions: pd.DataFrame
) -> tuple[pd.DataFrame, list[str], _SentenceMentions] | None:
    """Every sentence naming a country (actor kinds): its keys, text and mentions.

    Sorted and grouped on integer codes, as the relation scorer does: no string is
    compared for the million mentions of a large corpus.
    """
    kinds = mentions[S.KIND].to_numpy(dtype=object)
    usable = np.flatnonzero(np.isin(kinds, ACTOR_KINDS) & mentions[S.ISO3].notna().to_numpy())
    if usable.size == 0:
        return None
    id_code, id_values = pd.factorize(mentions[S.BRIEFING_ID].to_numpy(dtype=object)[usable])
    section_code, section_values = pd.factorize(mentions[S.SECTION].to_numpy(dtype=object)[usable])
    index = mentions[S.SENTENCE_INDEX].to_numpy(dtype=np.int64)[usable]
    position = mentions[S.START].to_numpy(dtype=np.int64)[usable]
    order = np.lexsort((position, index, section_code, id_code))
    usable, id_code, section_code, index = (
        usable[order],
        id_code[order],
        section_code[order],
        index[order],
    )
    first = np.ones(len(usable), dtype=bool)
    first[1:] = (
        (id_code[1:] != id_code[:-1])
        | (section_code[1:] != section_code[:-1])
        | (index[1:] != index[:-1])
    )
    heads = np.flatnonzero(first)
    keys = pd.DataFrame(
        {
            S.BRIEFING_ID: np.asarray(id_values, dtype=object)[id_code[heads]],
            S.SECTION: np.asarray(section_values, dtype=object)[section_code[heads]],
            S.SENTENCE_INDEX: index[heads],
        }
    )
    spans = sentence_spans(
        briefings,
        keys[S.BRIEFING_ID].to_numpy(dtype=object),
        keys[S.SECTION].to_numpy(dtype=object),
        keys[S.SENTENCE_INDEX].to_numpy(dtype=np.int64),
    )
    if spans is None:
        return None
    joined, segment_start, sentence_start, sentence_end = spans
    bounds_of = zip(sentence_start.tolist(), sentence_end.tolist(), strict=True)
    texts = [joined[a:b] for a, b in bounds_of]
    shift = (segment_start - sentence_start)[np.cumsum(first) - 1]
    found = _SentenceMentions(
        starts=mentions[S.START].to_numpy(dtype=np.int64)[usable] + shift,
        ends=mentions[S.END].to_numpy(dtype=np.int64)[usable] + shift,
        iso3=mentions[S.ISO3].to_numpy(dtype=object)[usable],
        kinds=kinds[usable],
        bounds=np.append(heads, len(usable)),
    )
    return keys, texts, found


def forward_sentences(
    briefings: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    lexicon: Lexicon | None = None,
    certainty_words: CertaintyWords | None = None,
    require_cue: bool = False,
) -> pd.DataFrame:
    """Every forward-looking sentence in which a country acts, with or without a cue.

    Parameters:
        briefings: the briefing table (``briefing_id``, ``date``, sections or text).
        mentions: country mentions with ``schema.MENTION_COLUMNS``.
        lexicon: the cue lexicon (default ``data/cues.csv``).
        certainty_words: the certainty table compiled (default ``data/certainty.csv``).
        require_cue: keep only sentences in which the lexicon finds a cue (the events).

    Returns:
        ``schema.WATCHLIST_COLUMNS``, in briefing, section and sentence order; ``cues``
        and ``cue_family`` are "" where the lexicon finds no cue. An undated sentence's
        window runs ``watchlist_undated_days`` from its briefing's date.

    Raises:
        InputError: when a table lacks its columns.
    """
    for what, frame, needed in (
        ("briefings", briefings, (S.BRIEFING_ID, S.DATE)),
        ("mentions", mentions, S.MENTION_COLUMNS),
    ):
        missing = [column for column in needed if column not in frame.columns]
        if missing:
            raise InputError(f"{what} must have columns {', '.join(needed)}; missing {missing!r}")
    with collection_paused():
        return _forward_sentences(briefings, mentions, lexicon, certainty_words, require_cue)


def _forward_sentences(
    briefings: pd.DataFrame,
    mentions: pd.DataFrame,
    lexicon: Lexicon | None,
    certainty_words: CertaintyWords | None,
    require_cue: bool,
) -> pd.DataFrame:
    """``forward_sentences`` once its inputs are checked."""
    found = _sentences_with_countries(briefings, mentions)
    if found is None:
        return empty_watchlist()
    keys, texts, sentence_mentions = found
    dates = briefings[[S.BRIEFING_ID, S.DATE]].drop_duplicates(S.BRIEFING_ID, keep="last")
    dates = dates.set_index(S.BRIEFING_ID)[S.DATE]
    # One date per briefing, looked up per sentence by code: no per-sentence conversion.
    briefing_code, briefing_ids = pd.factorize(keys[S.BRIEFING_ID])
    stamps = pd.to_datetime(dates.reindex(briefing_ids), utc=True)
    plan = _Plan(
        texts=texts,
        mentions=sentence_mentions,
        in_next=(keys[S.SECTION] == S.NEXT).tolist(),
        briefing_of=briefing_code,
        references=[None if pd.isna(day) else day.date() for day in stamps],
        words=certainty_words or default_certainty_words(),
        lexicon=lexicon or default_lexicon(),
        require_cue=require_cue,
        undated_days=int(settings.value("watchlist_undated_days")),
    )
    rows = _read_all(plan)
    if not rows:
        return empty_watchlist()
    columns = dict(
        zip(_ROW_FIELDS, (list(column) for column in zip(*rows, strict=True)), strict=True)
    )
    picked = columns.pop("position")
    chosen_keys = keys.iloc[picked].reset_index(drop=True)
    table = pd.DataFrame(
        {
            S.BRIEFING_ID: chosen_keys[S.BRIEFING_ID].to_numpy(dtype=object),
            S.DATE: dates.reindex(chosen_keys[S.BRIEFING_ID]).array,
            S.SECTION: chosen_keys[S.SECTION].to_numpy(dtype=object),
            S.SENTENCE_INDEX: chosen_keys[S.SENTENCE_INDEX].to_numpy(dtype=np.int64),
            S.SENTENCE: np.asarray([texts[i] for i in picked], dtype=object),
            **{
                name: np.asarray(columns[name], dtype=object)
                for name in _ROW_FIELDS[1:]
                if name not in (S.WINDOW_START, S.WINDOW_END)
            },
            **{
                name: pd.to_datetime(pd.Series(columns[name], dtype=object)).to_numpy()
                for name in (S.WINDOW_START, S.WINDOW_END)
            },
        }
    )
    return _in_corpus_order(table[list(S.WATCHLIST_COLUMNS)], briefings)


# One found sentence: its position in the plan, then its watchlist fields.
_ROW_FIELDS = (
    "position",
    S.COUNTRIES,
    S.CERTAINTY,
    S.WHEN,
    S.WHEN_KIND,
    S.WINDOW_START,
    S.WINDOW_END,
    S.CUES,
    S.CUE_FAMILY,
    S.EVENT_TYPE,
)
# What forked processes read: set before they start, so nothing is pickled to them.
_FORKED: dict[str, _Plan] = {}


@dataclass(frozen=True)
class _Plan:
    """The sentences naming a country, with what reading them needs."""

    texts: list[str]
    mentions: _SentenceMentions
    in_next: list[bool]
    briefing_of: np.ndarray  # each sentence's briefing, a position in ``references``
    references: list[date | None]
    words: CertaintyWords
    lexicon: Lexicon
    require_cue: bool
    undated_days: int

    def read(self, lo: int, hi: int) -> list[tuple]:
        """The forward-looking sentences among ``lo`` to ``hi``, as ``_ROW_FIELDS`` rows.

        Read ``watchlist_read_at_once`` sentences at a time: each sentence is read on its
        own, so the rows are the same, and the scans' working sets stay those of a slice
        (reading a 100,000-briefing corpus's 600,000 sentences at once held 1.2 GB more).
        """
        step = max(1, int(settings.value("watchlist_read_at_once")))
        rows: list[tuple] = []
        for start in range(lo, hi, step):
            rows += self._read_slice(start, min(start + step, hi))
        return rows

    def _read_slice(self, lo: int, hi: int) -> list[tuple]:
        """``read`` of sentences ``lo`` to ``hi`` at once.

        Phrase scans over all of them at once first (certainty and coming words in one
        index); cues, time expressions and roles are read on the candidates only.
        """
        texts = self.texts[lo:hi]
        forward_index, time_index = _indexes(self.words)
        spans = forward_index.find_batch(TextBatch(texts))
        # Most sentences hold no certainty or coming word: only those that do are read.
        sure = [
            self.words.first_certainty(text, found) if found else None
            for text, found in zip(texts, spans, strict=True)
        ]
        chosen = [i for i, found in enumerate(spans) if found or self.in_next[lo + i]]
        chosen_texts = [texts[i] for i in chosen]
        # What is expected follows the word that says so ("X will meet Y"): cues before it
        # belong to what has happened. In "What's Next?" every cue looks forward.
        after = [
            0 if self.in_next[lo + i] or sure[i] is None else sure[i].end  # type: ignore[union-attr]
            for i in chosen
        ]
        cues = _cue_columns(chosen_texts, after, self.lexicon)
        if self.require_cue:
            cued = [j for j, family in enumerate(cues[1]) if family]
            chosen = [chosen[j] for j in cued]
            chosen_texts = [chosen_texts[j] for j in cued]
            cues = tuple([column[j] for j in cued] for column in cues)  # type: ignore[assignment]
        timed = time_index.find_batch(TextBatch(chosen_texts))
        references = [self.references[self.briefing_of[lo + i]] for i in chosen]
        # Only a sentence with a time word or a digit can name a time.
        with_time = [
            j
            for j, reference in enumerate(references)
            if reference is not None and (timed[j] or _DIGIT.search(chosen_texts[j]) is not None)
        ]
        windows: list[Window | None] = [None] * len(chosen)
        found_windows = expected_windows(
            [chosen_texts[j] for j in with_time], [references[j] for j in with_time]
        )
        for j, found_window in zip(with_time, found_windows, strict=True):
            windows[j] = found_window
        rows: list[tuple] = []
        for j, i in enumerate(chosen):
            position, text = lo + i, chosen_texts[j]
            reference = references[j]
            if reference is None:
                continue
            window = windows[j]
            if sure[i] is None and not self.in_next[position] and window is None:
                continue
            acting = acting_countries(text, self.mentions.of(position))
            if not acting:
                continue
            if window is None:
                end = reference + timedelta(days=self.undated_days)
                window = Window(reference, end, S.UNDATED, "")
            found_sure = sure[i]
            certainty = S.FIRM if found_sure is None else found_sure.certainty
            rows.append(
                (
                    position,
                    "|".join(acting),
                    certainty,
                    window.text,
                    window.kind,
                    window.start,
                    window.end,
                    cues[0][j],
                    cues[1][j],
                    cues[2][j],
                )
            )
        return rows


def _read_forked(cut: tuple[int, int]) -> list[tuple]:
    # A worker only reads, then ends; here the caller has paused collection already.
    gc.disable()
    return _FORKED["plan"].read(*cut)


def _read_all(plan: _Plan) -> list[tuple]:
    """``plan.read`` over every sentence, on every core for a large corpus."""
    n_sentences = len(plan.texts)
    n_workers = fork_workers()
    if n_sentences < settings.value("watchlist_parallel_from") or n_workers < 2:
        return plan.read(0, n_sentences)
    size = -(-n_sentences // n_workers)
    cuts = [(lo, min(lo + size, n_sentences)) for lo in range(0, n_sentences, size)]
    _FORKED["plan"] = plan
    try:
        return map_forked(_read_forked, cuts)
    finally:
        _FORKED.clear()


# A country right after a place preposition is where something happens ("talks in
# France", "a cyclone near Myanmar", "a republic within Ukraine"), as is the rest of a list
# it heads ("in Iraq and Syria"), the country of a named place ("a plant in Genk, Belgium")
# and one a person's possessive marks as of a time ("a vote in Hitler's Germany"); after
# "to" or
# "from" it is often a party ("a visit to Japan", "aid to Ukraine") and is kept. One
# after "former" or "then <title>" names an office no longer held; one before "state of"
# or "province of" names a part of it ("the Australian state of Queensland").
_PLACE_BEFORE = re.compile(
    r"\b(?i:in|near|across|throughout|inside|within|around|outside|at)\s+"
    r"(?i:the\s+)?(?:[A-Z][\w.-]*['\u2019]s\s+)?"
    r"(?:(?:[A-Z][\w'\u2019.-]*\s+){0,3}[A-Z][\w'\u2019.-]*,\s+)?$"
)
# A country's possessive before an event it holds, after "around", "in" or "at", names a time
# or the event, not a place ("tensions could return around Taiwan's presidential election",
# "interference in Peru's referendum"): the state holding it is a party.
_EVENT_AFTER = re.compile(
    r"['\u2019]s\s+(?:[\w-]+\s+){0,2}?(?:elections?|votes?|referendum|polls|summit|"
    r"inauguration|independence\s+day|national\s+day)\b"
)
# Where forces are deployed to, withdraw or pull out from, or someone flies or returns to, is
# a place too ("withdraw some of its troops from Afghanistan", "begin pulling out of
# Afghanistan", "the deployment of 1,500 additional troops to Iraq"); a
# state visited, or sent or delivered something, is a party ("a visit to Japan", "send
# tanks to Ukraine", "send buying missions to America").
_MOVED_BEFORE = re.compile(
    r"\b(?:(?i:withdr[ae]w\w*|deploy\w*|fl(?:y|ies|ew|own|ying)|return\w*)"
    r"\s+(?:[\w'\u2019,-]+\s+){0,5}?(?i:to|from|into)|(?i:pull\w*\s+out\s+(?:of|from)))"
    r"\s+(?:the\s+)?$"
)
# What is flown over or zoned over is a place ("the no-fly zone over Libya", "flights over
# Syria"), as where someone flies to is.
_FLOWN_OVER_BEFORE = re.compile(
    r"\b(?i:zones?|airspace|skies|flights?|fl(?:y|ies|ew|own|ying)|overflights?)"
    r"\s+(?i:over)\s+(?:the\s+)?$"
)
# A capital naming a market is the city where it trades, not the state ("Tokyo share
# prices are expected to weaken", "London dealers").
_MARKET_AFTER = re.compile(
    r"(?:['\u2019]s)?\s+(?:(?:stock|share|bond|money|currency|gold|metal|futures|commodity)\s+)?"
    r"(?:markets?|prices|exchange|bourse|stocks|shares|traders|dealers|brokers|trading)\b"
)
# A demonym after the possessive of a common noun names a people of that place, not the
# state ("the province's Albanian leadership", "the city's Chinese community").
_COMMON_POSSESSIVE_BEFORE = re.compile(r"\b[a-z][\w-]*['\u2019]s?\s+$")
# A region of a country, named by a lowercase word of direction or land before it, is a
# place ("restricted to the continental United States", "strikes on northern Syria").
_REGION_BEFORE = re.compile(
    r"\b(?:(?:north|south|east|west)(?:east|west)?(?:ern)?|central|continental|coastal|rural)"
    r"\s+$"
)
_PART_AFTER = re.compile(
    r"\s+(?:state|province|region|territory|prefecture|county|district)\s+of\s+[A-Z]"
)
# A country (or its possessive) before a measure of its economy names whose measure it is, a
# thing, not an actor, as "Argentine wheat" names whose wheat ("France's growth rate is
# expected to strengthen", "Turkey's economy will slow", "U.S. gross national product");
# a demonym before one is already a nationality ("the Turkish economy"). An office, policy
# or target of one is the state's ("Japan's economy minister", "China's growth target").
_MEASURE_AFTER = re.compile(
    r"(?:['\u2019]s)?\s+(?i:(?:economic\s+|real\s+)?growth(?:\s+rate)?|economy|"
    r"gross\s+(?:domestic|national)\s+product|GDP|GNP|inflation(?:\s+rate)?|"
    r"unemployment(?:\s+rate)?|jobless\s+rate|money\s+supply|current\s+account|"
    r"balance\s+of\s+payments|trade\s+(?:balance|surplus|deficit)|"
    r"industrial\s+(?:output|production))\b"
    r"(?!\s+(?i:ministers?|ministry|secretary|officials?|agency|department|policy|policies|"
    r"plans?|package|strategy|targets?|forecasts?)\b)"
)
# A demonym or country joined by a hyphen to "administered", "occupied", "controlled",
# "held" or "ruled" names a territory by who holds it, a place ("a strike in
# Indian-administered Kashmir", "the Israeli-occupied West Bank", "Russian-held towns").
_HELD_AFTER = re.compile(r"\s*[-\u2010\u2011]\s*(?i:administered|occupied|controlled|held|ruled)\b")
_LOWER_NOUN_AFTER = re.compile(r"\s+[a-z]")
# A demonym before a noun of a state's act names who acts, not a nationality ("Chinese
# pressure on Taiwan", "Russian support", "Israeli air strikes"), as does one before people
# who hold or seek public office ("Nepalese politicians will try again to elect a prime
# minister"): a nationality is one of people, firms and goods ("Argentine farmers").
_STATE_ACT_AFTER = re.compile(
    r"\s+(?:pressure|support|aid|assistance|sanctions|intervention|retaliation|mediation|"
    r"threats?|demands?|crackdown|offensive|incursions?|(?:air\s*)?strikes|airstrikes|"
    r"politicians|legislators|parliamentarians|senators|deputies)\b"
)
# A demonym no state word follows, after "of" and before a capitalised word, is inside a
# name ("the Organization of American States", "a meeting of the Korean Workers' Party").
_NAME_AFTER = re.compile(r"\s+[A-Z][a-z]")
_OF_BEFORE = re.compile(r"\bof\s+(?:the\s+)?$")
# A country in a firm's name ("Mitsui and Co USA Inc"); a demonym or a country's possessive
# heading a name that ends in a word for a party, firm or body ("the Brazilian Democratic
# Movement Party", "American President Lines", "the United Kingdom's Public and Commercial
# Services Union", "the Iraq Study Group"), whatever title word the name holds; a name begins
# with a capitalised word of its own ("Sudan and Sudan People's Liberation Movement" names two
# parties, "the Soviet Union" a state).
_FIRM_AFTER = re.compile(
    r"\s+(?:Inc|Corp|Corporation|Co|Cos|Ltd|Plc|PLC|LLC|AG|SA|NV|BV|GmbH|Holdings)\b"
)
_BODY_NAME_AFTER = re.compile(
    r"(?:['\u2019]s)?\s+[A-Z][\w'\u2019-]*(?:\s+(?:[A-Z][\w'\u2019-]*|and|of|&)){0,3}"
    r"\s+(?:Party|Conference|"
    r"Movement|Union|Association|League|Front|Lines|Airlines|Airways|Company|Corporation|"
    r"Institute|Society|Church|Foundation|Group|Guild)\b"
)
# The country an envoy is sent to ("Indonesia's ambassador to Malaysia"), the capital a
# mayor governs ("the mayor of Berlin") or a minister's charge ("the Serbian minister for
# Kosovo") is in a title, not a party.
_TITLE_BEFORE = re.compile(
    r"\b(?:(?i:ambassador|envoy|embassy|consul|mayor|governor)\s+(?:to|in|of)|"
    r"(?i:minister|secretary|commissioner|envoy)\s+for)\s+(?:the\s+)?$"
)
# A governor of a central bank heads it, and it is a state's body ("the Governor of the Bank of
# England will announce"), unlike a governor of a province or a capital.
_BANK = re.compile(r"\b(?:Bank|Bundesbank|Reserve)\b")
# The country of an office sought is in its title: no one holds it yet ("seeking the
# nomination for President of the United States", "his campaign to be president of Mexico").
_SOUGHT_BEFORE = re.compile(
    r"\b(?i:for|be|become|becoming)\s+(?:the\s+)?(?i:next\s+)?"
    r"(?i:president|prime\s+minister|premier|chancellor|leader|head\s+of\s+state)"
    r"\s+of\s+(?:the\s+)?$"
)
# A city that names a treaty or an accord is in its name, not a party ("sign the Lisbon
# treaty", "a referendum on the Treaty of Lisbon", "the Kyoto Protocol").
_DOCUMENT_WORDS = r"(?i:treaty|treaties|protocol|accords?|convention|charter|declaration)\b"
_DOCUMENT_BEFORE = re.compile(rf"\b{_DOCUMENT_WORDS}\s+of\s+$")
_DOCUMENT_AFTER = re.compile(rf"\s+{_DOCUMENT_WORDS}")
# A country after "<Name> Party of" is in the party's or body's name ("the Liberal Party of
# Canada", "the Writers Guild of America").
_PARTY_OF_BEFORE = re.compile(
    r"\b[A-Z][\w'\u2019-]*\s+(?:Party|Front|Movement|Congress|League|Guild|Association|"
    r"Federation|Society|Institute|Church)\s+of\s+(?:the\s+)?$"
)
# A capital joined by a dash to a place that names no country is an end of a route ("the
# Beijing\u2013Shanghai High-Speed Railway", "the Paris-Dakar rally"): a place; two countries or
# capitals so joined are parties ("Washington-Moscow talks").
_ROUTE_AFTER = re.compile(r"\s*[-\u2013\u2014]\s*(?=[A-Z])")
_ROUTE_BEFORE = re.compile(r"(?<![\w.'\u2019-])[A-Z][\w'\u2019.]*\s*[-\u2013\u2014]\s*$")
# Countries that play each other are national teams, not states ("England play Belgium in a
# friendly", "Brazil will play Italy"): a match is not an act of state.
_PLAY = r"(?:will\s+|to\s+)?play(?:s|ed|ing)?\s+(?:against\s+)?(?:the\s+)?"
_PLAYS_AFTER = re.compile(rf"\s+{_PLAY}[A-Z]")
_PLAYS_BEFORE = re.compile(rf"\b[A-Z][\w.'\u2019-]*\s+{_PLAY}$")
_LIST_LINK = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|or\s+)(?:the\s+)?")
_FORMER_BEFORE = re.compile(
    r"(?:\b(?i:former|ex-)\s+(?:[\w'\u2019-]+\s+){0,3}|\bthen[\s-]+(?:[A-Z][\w'-]*\s+){1,4}"
    r"(?:of\s+(?:the\s+)?)?)$"
)


def acting_countries(text: str, mentions: list[tuple[int, int, str, str]]) -> list[str]:
    """The countries that act in a sentence, in text order, each once.

    Parameters:
        text: the sentence.
        mentions: ``(start, end, iso3, kind)`` of its country mentions, relative to ``text``.

    Returns:
        The actors of ``analytics.relations`` roles, less the places ("in France"), the
        offices no longer held ("former Bosnian Serb leader") or not yet held ("the
        nomination for President of the United States"), the countries of titles
        ("ambassador to Malaysia", "mayor of Berlin") and of firms' names ("Co USA Inc"),
        and the demonyms no state word follows ("Argentine farmers"; "Argentine government"
        acts) or that head a name ("the Brazilian Democratic Movement Party").
    """
    kinds = {start: kind for start, _, _, kind in mentions}
    kept: list[str] = []
    place_until = -1
    for role in sentence_roles(text, mentions):
        kind = kinds.get(role.start, "name")
        before = text[max(0, role.start - 60) : role.start]
        if kind != "demonym" and _MEASURE_AFTER.match(text, role.end):
            continue  # "France's growth rate will strengthen": a measure of a country
        if text[role.start - 1 : role.start] == "(" and text[role.end : role.end + 1] == ")":
            continue  # "the (U.S.) National Football League": an aside qualifying a name
        if _HELD_AFTER.match(text, role.end):
            continue  # "Indian-administered Kashmir": a territory, where something happens
        if kind != "demonym" and (
            (_PLACE_BEFORE.search(before) and not _EVENT_AFTER.match(text, role.end))
            or _MOVED_BEFORE.search(before)
            or _FLOWN_OVER_BEFORE.search(before)
            or _REGION_BEFORE.search(before)
            or (place_until >= 0 and _LIST_LINK.fullmatch(text, place_until, role.start))
        ):
            place_until = role.end
            continue
        place_until = -1
        if (
            role.role != ACTOR
            or _FORMER_BEFORE.search(before)
            or _PART_AFTER.match(text, role.end)
            or (_TITLE_BEFORE.search(before) and not _BANK.search(text, role.start, role.end))
            or _SOUGHT_BEFORE.search(before)
            or _FIRM_AFTER.match(text, role.end)
            or _BODY_NAME_AFTER.match(text, role.end)
            or _PARTY_OF_BEFORE.search(before)
            or _PLAYS_AFTER.match(text, role.end)
            or _PLAYS_BEFORE.search(before)
            or (
                kind == "capital"
                and (
                    _DOCUMENT_BEFORE.search(before)
                    or _DOCUMENT_AFTER.match(text, role.end)
                    or _MARKET_AFTER.match(text, role.end)
                    or _route_end(text, role.start, role.end, kinds)
                )
            )
        ):
            continue
        if kind == "demonym" and _COMMON_POSSESSIVE_BEFORE.search(before):
            continue  # "the province's Albanian leadership": a people of the province
        if (
            kind == "demonym"
            and role.evidence == text[role.start : role.end]
            and (
                (
                    _LOWER_NOUN_AFTER.match(text, role.end)
                    and not _STATE_ACT_AFTER.match(text, role.end)
                )
                or (_OF_BEFORE.search(before) and _NAME_AFTER.match(text, role.end))
            )
        ):
            continue  # "Argentine farmers": no state word decided it, a nationality
        kept.append(role.iso3)
    return list(dict.fromkeys(kept))


def _route_end(text: str, start: int, end: int, mention_starts: dict[int, str]) -> bool:
    """Whether the mention at ``start:end`` is joined by a dash to a place that names no
    country (no mention, or a city's): an end of a route, not a party."""
    after = _ROUTE_AFTER.match(text, end)
    if after is not None and mention_starts.get(after.end(), "place") == "place":
        return True
    before = _ROUTE_BEFORE.search(text, max(0, start - 40), start)
    return before is not None and mention_starts.get(before.start(), "place") == "place"


def _cue_columns(
    texts: list[str], after: list[int], lexicon: Lexicon
) -> tuple[list[str], list[str], list[str]]:
    """``cues``, ``cue_family`` and ``event_type`` of each sentence (first cue's family),
    from the cues that start at or after ``after`` in each."""
    names = default_cue_families()
    cues, families, types = [], [], []
    # Only what follows ``after`` is read: the cues before it are not wanted; a
    # condition says what must happen first, not what is expected ("will retaliate if
    # the Council imposes sanctions"), so its words are blanked.
    tails = without_conditions_batch(
        [text[start:] for text, start in zip(texts, after, strict=True)]
    )
    for found in lexicon.find_cues_batch(TextBatch(tails)):
        kept = [match for match in found if match.cue.names_an_event]
        family = next((cue_family(m.cue.cameo) for m in kept if cue_family(m.cue.cameo)), "")
        cues.append("|".join(dict.fromkeys(" ".join(m.surface.lower().split()) for m in kept)))
        families.append(family)
        types.append(names.get(family, ""))
    return cues, families, types


def _in_corpus_order(table: pd.DataFrame, briefings: pd.DataFrame) -> pd.DataFrame:
    """Rows in briefing (input) order, then section and sentence order."""
    rank = pd.Index(briefings[S.BRIEFING_ID].drop_duplicates(keep="last"))
    section_rank = pd.Index(list(S.SEGMENT_SECTIONS)).get_indexer(table[S.SECTION])
    order = np.lexsort(
        (
            table[S.SENTENCE_INDEX].to_numpy(),
            section_rank,
            rank.get_indexer(table[S.BRIEFING_ID]),
        )
    )
    return table.iloc[order].reset_index(drop=True)


def expected_events(
    briefings: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    lexicon: Lexicon | None = None,
    certainty_words: CertaintyWords | None = None,
) -> pd.DataFrame:
    """The watchlist: forward-looking sentences in which a country acts and a cue says what.

    Parameters:
        briefings: the briefing table.
        mentions: country mentions with ``schema.MENTION_COLUMNS``.
        lexicon: the cue lexicon (default ``data/cues.csv``).
        certainty_words: the certainty table compiled (default ``data/certainty.csv``).

    Returns:
        ``schema.WATCHLIST_COLUMNS``, one row per expected event (sentence).

    Raises:
        InputError: when a table lacks its columns.
    """
    return forward_sentences(
        briefings, mentions, lexicon=lexicon, certainty_words=certainty_words, require_cue=True
    )
