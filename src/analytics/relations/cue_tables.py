"""The cue and modifier tables: where they are, how they are read and validated, and the
inflected forms each cue phrase is matched on.

``data/cues.csv`` holds the phrases that signal cooperation or conflict between
countries, each with a weight on the Goldstein-style scale (-10 most conflictual,
+10 most cooperative), one of four classes (verbal/material x cooperation/conflict)
and the CAMEO-style category it was modelled on. ``data/modifiers.csv`` holds the
words that negate a cue ("did not condemn"), reverse it ("lifted sanctions") or
mark it as not yet happened ("could", "plans to"). A ``*`` inside a phrase stands for
up to three lower-case words ("sign * agreement").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.errors import InputError
from analytics.paths import data_dir

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
# An act a list of countries does together ("A, B and C announce ..."): it relates the
# list's members to each other (acting together), never them to anyone else.
JOINT_CLASS = "joint"
NEUTRAL_CLASS = "neutral"
PARTS_OF_SPEECH: tuple[str, ...] = ("verb", "noun", "adj")
DIRECTIONS: tuple[str, ...] = ("directed", "mutual")
MODIFIER_COLUMNS: tuple[str, ...] = ("phrase", "kind")
MODIFIER_KINDS: tuple[str, ...] = ("negation", "reversal", "hedge")

GAP = "*"

_VOWELS = frozenset("aeiou")
# A noun phrase ending in a preposition inflects its first word ("actions against").
_PREPOSITIONS = frozenset(
    "of on against with over between to into for from by in among toward towards".split()
)


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
    (weight > 0 for cooperation, < 0 for conflict), or ``stop`` or ``joint`` with weight 0;
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
    _check_choice(table, "class", (*CUE_CLASSES, STOP_CLASS, JOINT_CLASS))
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
        if cue_class in (STOP_CLASS, JOINT_CLASS) and weight != 0:
            raise InputError(
                f"cue weight in {label} must be 0 for class {cue_class}; got {weight!r}"
            )
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
    final consonant, and a final l doubled after a vowel as British spelling does:
    over-generating is harmless, a non-word never matches); nouns
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
        if _ends_cvc(word) or (word.endswith("l") and word[-2:-1] in _VOWELS):
            # British spelling doubles a final l after a vowel whatever the stress
            # ("fuelled", "cancelling", "signalled").
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
