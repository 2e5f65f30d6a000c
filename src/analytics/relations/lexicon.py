"""The cue lexicon compiled for matching: every cue phrase and modifier found in a text.

Matching is on inflections, not one spelling: every phrase is expanded when the
lexicon is compiled (condemn -> condemns, condemned, condemning) and all forms go
into one trie-shaped regular expression, so a sentence is scanned once whatever
the size of the lexicon. A ``*`` inside a phrase stands for up to three lower-case
words ("sign * agreement" matches "signed a new trade agreement"). The tables
themselves are read and validated in ``cue_tables``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

import ahocorasick_rs
import numpy as np
import pandas as pd

from analytics.errors import InputError
from analytics.relations.cue_tables import (
    GAP,
    JOINT_CLASS,
    MODIFIER_KINDS,
    STOP_CLASS,
    cue_surface_forms,
    load_cues,
    load_modifiers,
    validate_cues,
    validate_modifiers,
)
from analytics.text import char_class, code_points

_GAP_WORDS = 3
# A gap word must start in lower case so a gap never swallows a country name; a number
# is a gap word too ("release 200 prisoners", "sign 3 accords", "kill 1,200 soldiers"),
# and so is an amount of money ("pledges US$3 billion", "$350,000", "€500,000").
_GAP_PATTERN = (
    r"\s+(?:(?:(?-i:[a-z])[\w'\u2019-]*|(?:(?-i:[A-Z]{0,2})[$\u20ac\u00a3\u00a5])?\d(?:[\d,.]*\d)?)"
    r"\s+){0,N}"
).replace("N", str(_GAP_WORDS))


@dataclass(frozen=True)
class Cue:
    """One compiled cue: where its weight and class come from."""

    phrase: str
    pos: str
    direction: str
    weight: float
    cue_class: str
    cameo: str

    @property
    def is_stop(self) -> bool:
        return self.cue_class == STOP_CLASS

    @property
    def is_joint(self) -> bool:
        return self.cue_class == JOINT_CLASS

    @property
    def names_an_event(self) -> bool:
        """Whether the cue says what happened: stop phrases only shadow other cues and
        joint ones ('said', 'forces') only tie a list of actors together."""
        return not (self.is_stop or self.is_joint)


@dataclass(frozen=True)
class CueMatch:
    """A cue found in a text: character span, the words as written, and the cue."""

    start: int
    end: int
    surface: str
    cue: Cue


# -- compiling ----------------------------------------------------------------


def _piece(token: str, after_gap: bool, first: bool) -> str:
    if token == GAP:
        return _GAP_PATTERN
    separator = "" if first or after_gap else r"\s+"
    return separator + re.escape(token).replace("'", "['\u2019]")


def _trie_pattern(phrases: list[str]) -> str:
    """One regular expression for many phrases, shaped as a trie.

    Longer continuations are tried first at every node, so the leftmost match is
    also the longest one ("trade dispute" wins over "dispute" only when it starts
    at the same place; "trade war" at an earlier position wins by being leftmost).
    """
    trie: dict = {}
    for phrase in phrases:
        node = trie
        tokens = phrase.split()
        for index, token in enumerate(tokens):
            piece = _piece(token, index > 0 and tokens[index - 1] == GAP, index == 0)
            node = node.setdefault(piece, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict) -> str:
    ends_here = "" in node
    branches = sorted((key for key in node if key), key=lambda key: (-len(key), key))
    alternatives = [key + _node_pattern(node[key]) for key in branches]
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
    return "(?:" + body + ")?" if ends_here else body


def _modifier_pattern(phrases: list[str]) -> str:
    alternatives = []
    for phrase in sorted(set(phrases), key=lambda p: (-len(p), p)):
        escaped = r"\s+".join(re.escape(word) for word in phrase.split())
        escaped = escaped.replace("'", "['\u2019]")
        inside_word = not phrase[0].isalnum() or phrase.startswith("n'")
        prefix = "" if inside_word else r"(?<![\w'\u2019])"
        alternatives.append(prefix + escaped + r"(?![\w'\u2019])")
    return "(?:" + "|".join(alternatives) + ")"


# Letters that match another letter when case is ignored beyond lower-casing.
_CASE_AMBIGUOUS = frozenset(
    "\u0130\u0131\u017f\u212a\u212b\u00df\u1e9e\u00b5\u03bc\u03c2\u03c3\u03a3"
)
# The ASCII characters ``\s`` matches (tab to carriage return, the separators, space).
_ASCII_SPACES = frozenset((*range(9, 14), *range(28, 33)))
_IS_ASCII_SPACE = np.array([code in _ASCII_SPACES for code in range(128)], dtype=bool)
_IS_ASCII_ALNUM = np.array([chr(code).isalnum() for code in range(128)], dtype=bool)
_TOKEN = re.compile(r"[\w'\u2019]+")
_TOKEN_SPLIT = re.compile(r"([\w'\u2019]+)")
_TOKEN_CHAR = re.compile(r"[\w'\u2019]")
_IS_TOKEN_CHAR = char_class(lambda c: _TOKEN_CHAR.match(c) is not None)
# Joins the texts of a batch: neither a word character nor a space, so no phrase
# (whose words are separated by spaces) can run from one text into the next.
_BATCH_SEPARATOR = "\x00"


class TextBatch:
    """Many texts prepared once for the lexicon's batched searches.

    The texts are joined into one string (``joined``, each text starting at
    ``offsets[i]``) and lower-cased once, so every phrase index scans all texts in a
    single pass of an Aho-Corasick automaton instead of one pass per text.

    Parameters:
        texts: the texts (e.g. sentences) to search.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        self.joined = _BATCH_SEPARATOR.join(self.texts)
        lengths = np.fromiter((len(text) for text in self.texts), np.int64, len(self.texts))
        self.offsets = np.zeros(len(self.texts), dtype=np.int64)
        np.cumsum(lengths[:-1] + len(_BATCH_SEPARATOR), out=self.offsets[1:])
        lowered = self.joined.lower()
        self.odd: list[int] = []
        if len(lowered) != len(self.joined) or "\u03a3" in self.joined:
            # As in ``word_positions``, a text whose letters change length when lower-cased
            # (or holding a capital sigma) is searched on its own; it is blanked here.
            self.odd = [i for i, text in enumerate(self.texts) if not _lowers_in_place(text)]
            odd = set(self.odd)
            lowered = _BATCH_SEPARATOR.join(
                _BATCH_SEPARATOR * len(text) if i in odd else text.lower()
                for i, text in enumerate(self.texts)
            )
        self.lowered = lowered.replace("\u2019", "'")
        self._points: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.texts)

    def is_token_char(self, positions: np.ndarray) -> np.ndarray:
        """Whether the lower-cased character at each position is a word character."""
        if self._points is None:
            self._points = code_points(self.lowered)
        codes = self._points[positions]
        result = _IS_TOKEN_CHAR[codes]
        # The table covers the basic plane; the rare characters beyond it are tested here.
        if codes.dtype == np.uint32:
            for i in np.flatnonzero(codes >= 0x10000).tolist():
                result[i] = _TOKEN_CHAR.match(chr(int(codes[i]))) is not None
        return result

    def code_points_at(self, positions: np.ndarray) -> np.ndarray:
        """The code point of the lower-cased character at each position (0 past the end)."""
        if self._points is None:
            self._points = code_points(self.lowered)
        inside = positions < len(self._points)
        codes = np.zeros(len(positions), dtype=np.int64)
        codes[inside] = self._points[positions[inside]]
        return codes

    def text_of(self, positions: np.ndarray) -> np.ndarray:
        """Index of the text holding each position of ``joined``."""
        return np.searchsorted(self.offsets, positions, side="right") - 1


def _lowers_in_place(text: str) -> bool:
    return len(text.lower()) == len(text) and "\u03a3" not in text


class PhraseIndex:
    """Leftmost-longest, non-overlapping phrase search.

    The phrases' first words go into a set; the trie-shaped pattern is only tried
    where a word of the text is one of them, which keeps the scan close to one
    dictionary look-up per word however many phrases there are.
    """

    def __init__(self, phrases: list[str]) -> None:
        phrases = sorted(set(phrases))
        word_led = [p for p in phrases if p[:1].isalnum() and not p.startswith("n'")]
        # A contraction such as "n't" sits inside a word ("didn't"): searched on its own.
        inner = [p for p in phrases if p not in set(word_led)]
        self._first_words = {_TOKEN.findall(p)[0] for p in word_led}
        self._pattern = re.compile(
            "(?:" + _trie_pattern(word_led) + r")(?![\w'\u2019])" if word_led else "(?!)",
            re.IGNORECASE,
        )
        self._inner = re.compile(_modifier_pattern(inner), re.IGNORECASE) if inner else None
        # The first words (lower case, ASCII apostrophe) for the batched search, and the
        # phrases each one leads: only those can match where that word starts the text.
        self._first_list = sorted(self._first_words)
        self._led_by: dict[str, list[str]] = {}
        for phrase in word_led:
            self._led_by.setdefault(_TOKEN.findall(phrase)[0], []).append(phrase)
        self._word_patterns: dict[int, re.Pattern[str]] = {}
        self._restrictable = not any(
            char in _CASE_AMBIGUOUS for word in self._first_list for char in word
        )
        # Where a first word stands whole, its phrases can only go on after a space and
        # a word starting with one of their second words' letters ("the" leads "the
        # months ahead" only: "the" before "vote" is tried no further). ``_after[i]`` holds
        # those letters (``None``: always try the pattern) and ``_itself[i]`` whether the
        # word is a phrase on its own (then it is its own match where nothing goes on).
        self._after: list[frozenset[int] | None] = []
        self._itself: list[bool] = []
        for word in self._first_list:
            led = self._led_by[word]
            seconds = [phrase.split()[1] for phrase in led if len(phrase.split()) > 1]
            plain = (
                self._restrictable
                and all(phrase.split()[0] == word for phrase in led)
                and all(second[:1].isascii() and second[:1].isalnum() for second in seconds)
            )
            self._after.append(
                frozenset(ord(second[0].lower()) for second in seconds) if plain else None
            )
            self._itself.append(word in led)
        # The same two tests as arrays, so that ``find_batch`` settles most words without
        # a Python step: whether a word has letters, and which ASCII codes they are.
        self._has_after = np.array([letters is not None for letters in self._after], dtype=bool)
        self._is_itself = np.array(self._itself, dtype=bool)
        self._follows = np.zeros((max(len(self._after), 1), 128), dtype=bool)
        for row, letters in enumerate(self._after):
            self._follows[row, sorted(letters or ())] = True
        self._automaton = (
            ahocorasick_rs.AhoCorasick(
                self._first_list, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
            )
            if self._first_list
            else None
        )

    def find(self, text: str, words: dict[str, list[int]] | None = None) -> list[tuple[int, int]]:
        """Spans of the phrases in ``text``; ``words`` (from ``word_positions``) saves a scan."""
        if words is None:
            words = word_positions(text)
        starts = sorted(
            start for word in self._first_words.intersection(words) for start in words[word]
        )
        spans: list[tuple[int, int]] = []
        reached = 0
        for start in starts:
            if start < reached:
                continue
            match = self._pattern.match(text, start)
            if match:
                spans.append((start, match.end()))
                reached = match.end()
        if self._inner is not None:
            spans = sorted(spans + [m.span() for m in self._inner.finditer(text)])
        return spans

    def _word_pattern(self, word: int) -> re.Pattern[str]:
        """The phrase pattern restricted to the phrases led by first word ``word``.

        Where a text's word starts, only the trie's branches for that word can match, and
        the restricted trie keeps their order: the match is the one of the whole pattern.
        With a first word holding a letter that ignoring case matches another one ("ſ"
        and "s", the Kelvin sign and "k"), which might reach other branches, the whole
        pattern is kept; other letters beyond ASCII ("détente") are safe.
        """
        pattern = self._word_patterns.get(word)
        if pattern is None:
            first = self._first_list[word]
            if self._restrictable:
                pattern = re.compile(
                    "(?:" + _trie_pattern(self._led_by[first]) + r")(?![\w'\u2019])",
                    re.IGNORECASE,
                )
            else:
                pattern = self._pattern
            self._word_patterns[word] = pattern
        return pattern

    def find_batch(self, batch: TextBatch) -> list[list[tuple[int, int]]]:
        """``find`` over every text of ``batch`` (spans relative to each text).

        One automaton pass over the lower-cased texts finds the words that can start a
        phrase (a first word, whole: no word character on either side); the phrase
        pattern is then tried at those starts only, leftmost first, as ``find`` does.
        """
        spans: list[list[tuple[int, int]]] = [[] for _ in range(len(batch))]
        joined, offsets = batch.joined, batch.offsets
        if self._automaton is not None and joined:
            found = self._automaton.find_matches_as_indexes(batch.lowered)
            if found:
                table = np.asarray(found, dtype=np.int64)
                starts, stops = table[:, 1], table[:, 2]
                # A match inside a longer word is no word of the text. Position -1 (the
                # start of the batch) reads the trailing sentinel, which is no word
                # character, and ``stops`` never passes the sentinels.
                whole = ~batch.is_token_char(starts - 1) & ~batch.is_token_char(stops)
                starts, stops = starts[whole], stops[whole]
                # The two characters after each word: a phrase goes on only through a
                # space (ASCII punctuation ends it) and a word of the right letter. Where
                # it cannot go on, the word is its own match or no match at all; that is
                # settled here for all words at once, before the leftmost pass.
                following = batch.code_points_at(stops)
                next_word = batch.code_points_at(stops + 1)
                words_found = table[whole, 0]
                ascii_first = np.minimum(following, 127)
                ascii_second = np.minimum(next_word, 127)
                alone = self._has_after[words_found] & (
                    ((following < 128) & ~_IS_ASCII_SPACE[ascii_first])
                    | (
                        (following == 32)
                        & (next_word < 128)
                        & _IS_ASCII_ALNUM[ascii_second]
                        & ~self._follows[words_found, ascii_second]
                    )
                )
                kept = ~alone | self._is_itself[words_found]
                starts, stops, alone = starts[kept], stops[kept], alone[kept]
                owners = batch.text_of(starts).tolist()
                words = words_found[kept].tolist()
                reached = 0
                for start, stop, owner, word, by_itself in zip(
                    starts.tolist(),
                    stops.tolist(),
                    owners,
                    words,
                    alone.tolist(),
                    strict=True,
                ):
                    # A match ends inside its text, so ``reached`` never skips a next text.
                    if start < reached:
                        continue
                    if by_itself:
                        reached = stop
                    else:
                        found_here = self._word_pattern(word).match(joined, start)
                        if not found_here:
                            continue
                        reached = found_here.end()
                    base = int(offsets[owner])
                    spans[owner].append((start - base, reached - base))
        if self._inner is not None and joined:
            inner = [m.span() for m in self._inner.finditer(joined)]
            if inner:
                owners = batch.text_of(np.array([start for start, _ in inner])).tolist()
                extra: dict[int, list[tuple[int, int]]] = {}
                for (start, end), owner in zip(inner, owners, strict=True):
                    base = int(offsets[owner])
                    extra.setdefault(owner, []).append((start - base, end - base))
                for owner, more in extra.items():
                    spans[owner] = sorted(spans[owner] + more)
        for i in batch.odd:
            spans[i] = self.find(batch.texts[i])
        return spans


def word_positions(text: str) -> dict[str, list[int]]:
    """Start of every word of ``text``, keyed by the word in lower case."""
    positions: dict[str, list[int]] = {}
    lowered = text.lower()
    if len(lowered) != len(text) or "\u03a3" in text:
        # A few letters grow when lower-cased ("\u0130") and a capital sigma depends on
        # the next letter: such texts are lower-cased word by word, as written.
        for token in _TOKEN.finditer(text):
            word = token.group().lower().replace("\u2019", "'")
            positions.setdefault(word, []).append(token.start())
        return positions
    # Lower-casing the whole text once keeps the word boundaries and saves a call per word;
    # splitting on the words gives text and words alternately, so a word starts where the
    # lengths before it add up to (no match object per word).
    parts = _TOKEN_SPLIT.split(lowered.replace("\u2019", "'"))
    starts = list(accumulate(map(len, parts)))[::2]
    for word, start in zip(parts[1::2], starts, strict=False):
        positions.setdefault(word, []).append(start)
    return positions


class Lexicon:
    """The compiled cue lexicon plus negation, reversal and hedge words.

    Parameters:
        cues: a cue table (see ``validate_cues``); ``None`` reads ``data/cues.csv``.
        modifiers: a modifier table; ``None`` reads ``data/modifiers.csv``.
        window: how many words may stand between a negation or reversal and its cue.

    Raises:
        InputError: when either table is invalid.
    """

    def __init__(
        self,
        cues: pd.DataFrame | None = None,
        modifiers: pd.DataFrame | None = None,
        *,
        window: int = 3,
    ) -> None:
        self.cues = validate_cues(cues) if cues is not None else load_cues()
        self.modifiers = (
            validate_modifiers(modifiers) if modifiers is not None else load_modifiers()
        )
        self.window = window
        self._entries = [
            Cue(phrase, pos, direction, float(weight), cue_class, cameo)
            for phrase, pos, direction, weight, cue_class, cameo in zip(
                self.cues["phrase"],
                self.cues["pos"],
                self.cues["direction"],
                self.cues["weight"],
                self.cues["class"],
                self.cues["cameo"],
                strict=True,
            )
        ]
        exact: dict[str, int] = {}
        gapped: dict[str, int] = {}
        for form, position in cue_surface_forms(self.cues):
            # The first row listing a form owns it (a noun row before its verb twin).
            target = gapped if GAP in form.split() else exact
            target.setdefault(form, position)
        self._exact = exact
        self._gapped = []
        for form, position in gapped.items():
            words = form.split()
            cut = words.index(GAP)
            self._gapped.append((tuple(words[:cut]), tuple(words[cut + 1 :]), position))
        self._cue_index = PhraseIndex([*exact, *gapped])
        # Matched surfaces repeat across a corpus: each one is looked up once.
        self._seen: dict[str, Cue] = {}
        self._modifier_index = {
            kind: PhraseIndex(
                self.modifiers.loc[self.modifiers["kind"] == kind, "phrase"].str.lower().tolist()
            )
            for kind in MODIFIER_KINDS
        }

    def __repr__(self) -> str:
        return f"Lexicon({len(self.cues)} cues, {len(self.modifiers)} modifiers)"

    def _lookup(self, surface: str) -> Cue:
        cue = self._seen.get(surface)
        if cue is None:
            cue = self._seen[surface] = self._lookup_new(surface)
        return cue

    def _lookup_new(self, surface: str) -> Cue:
        normal = " ".join(surface.lower().replace("\u2019", "'").split())
        position = self._exact.get(normal)
        if position is None:
            words = tuple(normal.split())
            position = next(
                (
                    pos
                    for head, tail, pos in self._gapped
                    if words[: len(head)] == head
                    and words[len(words) - len(tail) :] == tail
                    and len(words) - len(head) - len(tail) <= _GAP_WORDS
                ),
                None,
            )
        if position is None:  # the pattern matched, so one row must own the form
            raise InputError(f"cue lexicon does not know the matched phrase; got {surface!r}")
        return self._entries[position]

    def find_cues(self, text: str, words: dict[str, list[int]] | None = None) -> list[CueMatch]:
        """Every cue in ``text``, leftmost-longest and non-overlapping, stop phrases included.

        ``words`` is ``word_positions(text)`` when the caller already has it.
        """
        return self._cue_matches(text, self._cue_index.find(text, words))

    def find_modifiers(
        self, text: str, kind: str, words: dict[str, list[int]] | None = None
    ) -> list[tuple[int, int]]:
        """``(start, end)`` of every negation, reversal or hedge (``kind``) in ``text``.

        Matching ignores case (wire copy writes "the U.S. Will"), except that a
        capitalised "May" next to a date word ("in May", "May 5") is the month.
        """
        if kind not in MODIFIER_KINDS:
            raise InputError(
                f"modifier kind must be one of {', '.join(MODIFIER_KINDS)}; got {kind!r}"
            )
        return [
            (start, end)
            for start, end in self._modifier_index[kind].find(text, words)
            if not (text[start:end] == "May" and _is_month(text, start, end))
        ]

    def find_cues_batch(self, batch: TextBatch) -> list[list[CueMatch]]:
        """``find_cues`` for every text of ``batch``, in one scan of them all."""
        return [
            self._cue_matches(text, spans)
            for text, spans in zip(batch.texts, self._cue_index.find_batch(batch), strict=True)
        ]

    def _cue_matches(self, text: str, spans: Sequence[tuple[int, int]]) -> list[CueMatch]:
        """The cues at ``spans`` of ``text``, less those inside a name (``_inside_name``,
        ``_ends_event_name``) or a hyphenated compound (``_in_compound``)."""
        found = []
        for start, end in spans:
            cue = self._lookup(text[start:end])
            if text[start].isupper() and (
                _inside_name(text, start, end) or _ends_event_name(text, start, cue)
            ):
                continue
            if _in_compound(text, start, end):
                continue
            found.append(CueMatch(start, end, text[start:end], cue))
        return found

    def find_modifiers_batch(self, batch: TextBatch, kind: str) -> list[list[tuple[int, int]]]:
        """``find_modifiers`` for every text of ``batch``, in one scan of them all."""
        if kind not in MODIFIER_KINDS:
            raise InputError(
                f"modifier kind must be one of {', '.join(MODIFIER_KINDS)}; got {kind!r}"
            )
        found = self._modifier_index[kind].find_batch(batch)
        for i, spans in enumerate(found):
            text = batch.texts[i]
            if any(text[start:end] == "May" for start, end in spans):
                found[i] = [
                    (start, end)
                    for start, end in spans
                    if not (text[start:end] == "May" and _is_month(text, start, end))
                ]
        return found


# A capitalised cue between two capitalised words is part of a name ("the Shanghai
# Cooperation Organisation", "the London Interbank Offered Rate", "the Federal Open Market
# Committee"), not an act; unless the sentence is a headline in title case ("Japan Imposes
# Sanctions On Russia"), which has no lower-case word of four letters or more.
_CAPITALISED_BEFORE = re.compile(r"\b[A-Z][\w'\u2019.&-]*[ \t]+$")
_CAPITALISED_AFTER = re.compile(r"[ \t]+[A-Z]")
_LOWER_CASE_WORD = re.compile(r"\b[a-z]{4,}")


def _inside_name(text: str, start: int, end: int) -> bool:
    """Whether the capitalised cue ``text[start:end]`` is inside a name: capitalised words
    right before and after it, in a sentence that is not written in title case."""
    return bool(
        _CAPITALISED_BEFORE.search(text, max(0, start - 40), start)
        and _CAPITALISED_AFTER.match(text, end)
        and _LOWER_CASE_WORD.search(text)
    )


_EVENT_NOUN = re.compile(
    r"(?:Wars?|Genocide|Revolution|Intifada|Uprising|Crisis|Conflict|Massacre)\b"
)


def _ends_event_name(text: str, start: int, cue: Cue) -> bool:
    """Whether the capitalised conflict noun at ``start`` ends a named event: a capitalised
    word right before it, in a sentence not written in title case ("since the Korean War",
    "the 2006 Lebanon War", "the Iran-Iraq War", "Somali Civil War: ..."). History named,
    not an act of the sentence."""
    return (
        cue.pos == "noun"
        and cue.weight < 0
        and _EVENT_NOUN.match(text, start) is not None
        and _CAPITALISED_BEFORE.search(text, max(0, start - 40), start) is not None
        and _LOWER_CASE_WORD.search(text) is not None
    )


# A cue written into a hyphenated compound describes, it does not act: "a non-veto-holding
# member", "anti-war protests", "post-war reconstruction", "war-torn", "sanctions-hit".
_COMPOUND_PREFIX = re.compile(r"\b(?:non|anti|pro|post|pre)-$", re.IGNORECASE)
_COMPOUND_SUFFIX = re.compile(r"-[a-z]")


def _in_compound(text: str, start: int, end: int) -> bool:
    """Whether the cue ``text[start:end]`` is part of a hyphenated compound word."""
    if start and text[start - 1] == "-" and _COMPOUND_PREFIX.search(text, max(0, start - 6), start):
        return True
    return end < len(text) and text[end] == "-" and _COMPOUND_SUFFIX.match(text, end) is not None


_MONTH_BEFORE = re.compile(
    r"\b(?:in|since|until|by|last|next|early|late|mid|from|of|through|to|during)[\s-]+$",
    re.IGNORECASE,
)
_MONTH_AFTER = re.compile(r"^\s*(?:\d|,\s*\d)")


def _is_month(text: str, start: int, end: int) -> bool:
    return bool(_MONTH_BEFORE.search(text[max(0, start - 12) : start])) or bool(
        _MONTH_AFTER.match(text[end : end + 6])
    )
