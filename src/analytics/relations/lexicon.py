"""The cue lexicon and its modifiers: editable CSV tables, validated and compiled.

``data/cues.csv`` holds the phrases that signal cooperation or conflict between
countries, each with a weight on the Goldstein-style scale (-10 most conflictual,
+10 most cooperative), one of four classes (verbal/material x cooperation/conflict)
and the CAMEO-style category it was modelled on. ``data/modifiers.csv`` holds the
words that negate a cue ("did not condemn"), reverse it ("lifted sanctions") or
mark it as not yet happened ("could", "plans to").

Matching is on inflections, not one spelling: every phrase is expanded when the
lexicon is compiled (condemn -> condemns, condemned, condemning) and all forms go
into one trie-shaped regular expression, so a sentence is scanned once whatever
the size of the lexicon. A ``*`` inside a phrase stands for up to three lower-case
words ("sign * agreement" matches "signed a new trade agreement").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import ahocorasick_rs
import numpy as np
import pandas as pd

from analytics.errors import InputError
from analytics.paths import data_dir
from analytics.text import char_class, code_points

CUE_COLUMNS: tuple[str, ...] = (
    "phrase",
    "pos",
    "direction",
    "weight",
    "class",
    "cameo",
    "cameo_label",
    "inflect",
    "forms",
)
REQUIRED_CUE_COLUMNS: tuple[str, ...] = ("phrase", "pos", "direction", "weight", "class")
COOPERATION_CLASSES: tuple[str, ...] = ("verbal_cooperation", "material_cooperation")
CONFLICT_CLASSES: tuple[str, ...] = ("verbal_conflict", "material_conflict")
CUE_CLASSES: tuple[str, ...] = COOPERATION_CLASSES + CONFLICT_CLASSES
STOP_CLASS = "stop"  # a phrase matched only to shadow the cues inside it ("world war")
NEUTRAL_CLASS = "neutral"
PARTS_OF_SPEECH: tuple[str, ...] = ("verb", "noun", "adj")
DIRECTIONS: tuple[str, ...] = ("directed", "mutual")
MODIFIER_COLUMNS: tuple[str, ...] = ("phrase", "kind")
MODIFIER_KINDS: tuple[str, ...] = ("negation", "reversal", "hedge")

GAP = "*"
_GAP_WORDS = 3
# A gap word must start in lower case so a gap never swallows a country name.
_GAP_PATTERN = r"\s+(?:(?-i:[a-z])[\w'\u2019-]*\s+){0,N}".replace("N", str(_GAP_WORDS))
_VOWELS = frozenset("aeiou")
# A noun phrase ending in a preposition inflects its first word ("actions against").
_PREPOSITIONS = frozenset(
    "of on against with over between to into for from by in among toward towards".split()
)


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


@dataclass(frozen=True)
class CueMatch:
    """A cue found in a text: character span, the words as written, and the cue."""

    start: int
    end: int
    surface: str
    cue: Cue


def cues_path() -> Path:
    """The default cue lexicon, ``data/cues.csv``."""
    return data_dir() / "cues.csv"


def modifiers_path() -> Path:
    """The default modifier table, ``data/modifiers.csv``."""
    return data_dir() / "modifiers.csv"


def load_cues(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate a cue lexicon CSV (default ``data/cues.csv``).

    Raises:
        InputError: when the file is missing or a row breaks a rule of ``validate_cues``.
    """
    return validate_cues(_read_csv(path if path is not None else cues_path(), "cue lexicon"))


def load_modifiers(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate a modifier CSV (default ``data/modifiers.csv``).

    Raises:
        InputError: when the file is missing or a row breaks a rule of ``validate_modifiers``.
    """
    table = _read_csv(path if path is not None else modifiers_path(), "modifier table")
    return validate_modifiers(table)


def _read_csv(path: str | Path, what: str) -> pd.DataFrame:
    """An editable reference CSV as strings (empty cells stay ""), or a clear error."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} must be an existing CSV file; got {str(path)!r}")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _row_label(table: pd.DataFrame, position: int) -> str:
    return f"row {position + 2} ({table['phrase'].iloc[position]!r})"


def validate_cues(cues: pd.DataFrame) -> pd.DataFrame:
    """Check a cue table and return a clean copy (weights as floats, text stripped).

    Rules: the columns ``phrase, pos, direction, weight, class`` are present; every
    phrase is non-empty; ``pos`` is verb/noun/adj; ``direction`` is directed/mutual;
    ``weight`` is a number in [-10, 10]; ``class`` is one of the four cue classes
    (weight > 0 for cooperation, < 0 for conflict) or ``stop`` with weight 0;
    ``inflect`` is yes/no; no (phrase, pos) pair appears twice.

    Raises:
        InputError: naming the first offending row and value.
    """
    missing = [column for column in REQUIRED_CUE_COLUMNS if column not in cues.columns]
    if missing:
        raise InputError(
            f"cue lexicon needs columns {', '.join(REQUIRED_CUE_COLUMNS)}; "
            f"got {list(cues.columns)!r}"
        )
    table = cues.copy()
    for column in CUE_COLUMNS:
        if column not in table.columns:
            table[column] = "yes" if column == "inflect" else ""
    text_columns = [c for c in CUE_COLUMNS if c != "weight"]
    table[text_columns] = table[text_columns].fillna("").astype(str)
    for column in text_columns:
        table[column] = table[column].str.strip()
    for column in ("pos", "direction", "class", "inflect"):
        table[column] = table[column].str.lower()
    table["inflect"] = table["inflect"].replace("", "yes")

    for position, phrase in enumerate(table["phrase"]):
        words = phrase.split()
        if not words or words[0] == GAP or words[-1] == GAP or words.count(GAP) > 1:
            raise InputError(
                f"cue phrase in row {position + 2} must be words with at most one '*' "
                f"between them; got {phrase!r}"
            )
    _check_choice(table, "pos", PARTS_OF_SPEECH)
    _check_choice(table, "direction", DIRECTIONS)
    _check_choice(table, "class", (*CUE_CLASSES, STOP_CLASS))
    _check_choice(table, "inflect", ("yes", "no"))

    weights = pd.to_numeric(table["weight"], errors="coerce")
    for position, (raw, weight, cue_class) in enumerate(
        zip(table["weight"], weights, table["class"], strict=True)
    ):
        label = _row_label(table, position)
        if pd.isna(weight):
            raise InputError(f"cue weight in {label} must be a number; got {raw!r}")
        if not -10 <= weight <= 10:
            raise InputError(f"cue weight in {label} must be between -10 and 10; got {weight!r}")
        if cue_class in COOPERATION_CLASSES and weight <= 0:
            raise InputError(
                f"cue weight in {label} must be > 0 for class {cue_class}; got {weight!r}"
            )
        if cue_class in CONFLICT_CLASSES and weight >= 0:
            raise InputError(
                f"cue weight in {label} must be < 0 for class {cue_class}; got {weight!r}"
            )
        if cue_class == STOP_CLASS and weight != 0:
            raise InputError(f"cue weight in {label} must be 0 for class stop; got {weight!r}")
    table["weight"] = weights.astype(float)

    keys = table["phrase"].str.lower() + "/" + table["pos"]
    duplicated = keys[keys.duplicated()]
    if not duplicated.empty:
        raise InputError(
            f"cue lexicon lists each (phrase, pos) once; got {duplicated.iloc[0]!r} twice"
        )
    return table[list(CUE_COLUMNS)].reset_index(drop=True)


def validate_modifiers(modifiers: pd.DataFrame) -> pd.DataFrame:
    """Check a modifier table (``phrase``, ``kind``) and return a clean copy.

    Raises:
        InputError: when a column is missing, a phrase is empty or a kind is unknown.
    """
    missing = [column for column in MODIFIER_COLUMNS if column not in modifiers.columns]
    if missing:
        raise InputError(
            f"modifier table needs columns {', '.join(MODIFIER_COLUMNS)}; "
            f"got {list(modifiers.columns)!r}"
        )
    table = modifiers[list(MODIFIER_COLUMNS)].fillna("").astype(str)
    table = table.apply(lambda column: column.str.strip())
    table["kind"] = table["kind"].str.lower()
    for position, phrase in enumerate(table["phrase"]):
        if not phrase:
            raise InputError(f"modifier phrase in row {position + 2} must not be empty; got ''")
    _check_choice(table, "kind", MODIFIER_KINDS)
    return table.drop_duplicates().reset_index(drop=True)


def _check_choice(table: pd.DataFrame, column: str, allowed: tuple[str, ...]) -> None:
    bad = ~table[column].isin(allowed)
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"{column} in {_row_label(table, position)} must be one of {', '.join(allowed)}; "
            f"got {table[column].iloc[position]!r}"
        )


# -- inflection ---------------------------------------------------------------


def _ends_cvc(word: str) -> bool:
    """Consonant-vowel-consonant ending, where English may double the last letter."""
    return (
        len(word) >= 3
        and word[-1] not in _VOWELS
        and word[-1] not in "wxy"
        and word[-2] in _VOWELS
        and word[-3] not in _VOWELS
    )


def _plurals(word: str) -> list[str]:
    """The plural of a noun, or third person of a verb (both spellings where English
    has both for a consonant + "o": embargoes and vetoes, but memos and euros)."""
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return [word + "es"]
    if len(word) > 1 and word.endswith("y") and word[-2] not in _VOWELS:
        return [word[:-1] + "ies"]
    if len(word) > 1 and word.endswith("o") and word[-2] not in _VOWELS:
        return [word + "es", word + "s"]
    return [word + "s"]


def word_inflections(word: str, pos: str) -> list[str]:
    """Every inflected form of ``word`` for its part of speech, the word itself first.

    Verbs get third person, past and -ing forms (both with and without a doubled
    final consonant: over-generating is harmless, a non-word never matches); nouns
    get their plural; adjectives stay as they are.
    """
    word = word.lower()
    if pos == "adj" or not word[-1:].isalpha():
        return [word]
    if pos == "noun":
        return [word, *_plurals(word)]
    forms = [word, *_plurals(word)]
    if word.endswith("e"):
        forms += [word + "d", _present_participle_of_e_verb(word)]
    elif len(word) > 1 and word.endswith("y") and word[-2] not in _VOWELS:
        forms += [word[:-1] + "ied", word + "ing"]
    else:
        forms += [word + "ed", word + "ing"]
        if _ends_cvc(word):
            forms += [word + word[-1] + "ed", word + word[-1] + "ing"]
    return list(dict.fromkeys(forms))


def _present_participle_of_e_verb(word: str) -> str:
    """The -ing form of a verb ending in "e".

    A silent final e is dropped (invade -> invading), but "-ie" becomes "-ying"
    (die -> dying) and an e that is sounded or needed to keep the vowel of a short
    word stays: "-ee", "-ye", "-oe" (agree -> agreeing, dye -> dyeing, hoe -> hoeing)
    and "be" -> "being".
    """
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith(("ee", "ye", "oe")) or len(word) <= 2:
        return word + "ing"
    return word[:-1] + "ing"


def phrase_inflections(phrase: str, pos: str) -> list[str]:
    """Inflect a phrase: a verb phrase on its first word, a noun phrase on its last
    (on its first when it ends in a preposition: "action against")."""
    words = phrase.lower().split()
    if len(words) == 1:
        return word_inflections(words[0], pos)
    if pos == "verb" or (pos == "noun" and words[-1] in _PREPOSITIONS):
        return [" ".join([form, *words[1:]]) for form in word_inflections(words[0], pos)]
    if pos == "noun":
        return [" ".join([*words[:-1], form]) for form in word_inflections(words[-1], pos)]
    return [" ".join(words)]


def cue_surface_forms(cues: pd.DataFrame) -> list[tuple[str, int]]:
    """Every (surface form, row position) the lexicon matches, in file order."""
    forms: list[tuple[str, int]] = []
    for position, (phrase, pos, inflect, extra) in enumerate(
        zip(cues["phrase"], cues["pos"], cues["inflect"], cues["forms"], strict=True)
    ):
        bases = [phrase, *[form.strip() for form in extra.split("|") if form.strip()]]
        for base in bases:
            variants = phrase_inflections(base, pos) if inflect == "yes" else [base.lower()]
            forms += [(" ".join(variant.split()), position) for variant in variants]
    return forms


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

    def text_of(self, positions: np.ndarray) -> np.ndarray:
        """Index of the text holding each position of ``joined``."""
        return np.searchsorted(self.offsets, positions, side="right") - 1


def _lowers_in_place(text: str) -> bool:
    return len(text.lower()) == len(text) and "\u03a3" not in text


class _PhraseIndex:
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
        self._ascii_words = all(word.isascii() for word in self._first_list)
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
        With a first word beyond ASCII (whose case folding might reach other branches)
        the whole pattern is kept.
        """
        pattern = self._word_patterns.get(word)
        if pattern is None:
            first = self._first_list[word]
            if self._ascii_words:
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
                starts = starts[whole]
                owners = batch.text_of(starts).tolist()
                words = table[whole, 0].tolist()
                reached = 0
                for start, owner, word in zip(starts.tolist(), owners, words, strict=True):
                    # A match ends inside its text, so ``reached`` never skips a next text.
                    if start < reached:
                        continue
                    found_here = self._word_pattern(word).match(joined, start)
                    if found_here:
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
        self._cue_index = _PhraseIndex([*exact, *gapped])
        # Matched surfaces repeat across a corpus: each one is looked up once.
        self._seen: dict[str, Cue] = {}
        self._modifier_index = {
            kind: _PhraseIndex(
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
        return [
            CueMatch(start, end, text[start:end], self._lookup(text[start:end]))
            for start, end in self._cue_index.find(text, words)
        ]

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
        found = []
        for text, spans in zip(batch.texts, self._cue_index.find_batch(batch), strict=True):
            found.append(
                [
                    CueMatch(start, end, text[start:end], self._lookup(text[start:end]))
                    for start, end in spans
                ]
            )
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


_MONTH_BEFORE = re.compile(
    r"\b(?:in|since|until|by|last|next|early|late|mid|from|of|through|to|during)[\s-]+$",
    re.IGNORECASE,
)
_MONTH_AFTER = re.compile(r"^\s*(?:\d|,\s*\d)")


def _is_month(text: str, start: int, end: int) -> bool:
    return bool(_MONTH_BEFORE.search(text[max(0, start - 12) : start])) or bool(
        _MONTH_AFTER.match(text[end : end + 6])
    )


def compile_lexicon(
    cues: pd.DataFrame | None = None, modifiers: pd.DataFrame | None = None
) -> Lexicon:
    """Compile a cue table and a modifier table (defaults: the bundled CSV files)."""
    return Lexicon(cues, modifiers)
