"""Term features for topic modelling: stop words, tokens, TF-IDF weights, content hashes.

Topics should say *what* a briefing is about, not *who* is in it, nor how a newswire
writes: so the vocabulary drops English stop words, news boilerplate (the editable
``data/topic_stopwords.csv``), every country name, demonym and capital, every word of
an office holder's name (``data/actors.csv``), numbers and tokens holding digits.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from analytics.errors import InputError
from analytics.paths import data_dir

STOPWORDS_FILE = "topic_stopwords.csv"
SCOPES: tuple[str, ...] = ("features", "labels", "keep")

# Letters only, at least two: drops numbers, tokens with digits ("1987", "4th", "q3")
# and the single letters left over from "U.S." or "What's".
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}\b"
_TOKEN = re.compile(TOKEN_PATTERN)


# A newswire dateline opening a line: "SALVADOR, Feb 26 - ". Its place names say where
# a story was filed, not what it is about.
_DATELINE = re.compile(
    r"(?m)^[ \t]*[A-Z][A-Z .'&/()-]{1,40}?(?:,[ \t]*[A-Z][A-Za-z. ]{1,15}?)?,"
    r"[ \t]+[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}[ \t]+-[ \t]+"
)


def strip_datelines(text: str) -> str:
    """Remove newswire datelines ("CITY, Mon DD - ") from the start of lines of ``text``."""
    return _DATELINE.sub("", text)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` as the topic vocabulary sees them."""
    return _TOKEN.findall(text.lower())


def news_stop_words(path: Path | None = None, *, scope: str = "features") -> frozenset[str]:
    """Read the news boilerplate stop words (column ``term``) from a CSV file.

    Parameters:
        path: the CSV file; defaults to ``data/topic_stopwords.csv``.
        scope: ``features`` for words dropped from the vocabulary; ``labels`` for words
            kept as features (they tell kinds of story apart, such as the "shr" and
            "qtr" of earnings tables) but never shown in a label or top terms; ``keep``
            for ordinary words that are also part of a name ("major", "park") and so
            must never be dropped as a name. Rows without a ``scope`` column count as
            ``features``.

    Returns:
        The lower-cased tokens of every term (a multi-word term contributes each word).

    Raises:
        InputError: when the file is missing, has no ``term`` column, or ``scope`` is
            not ``features`` or ``labels``.
    """
    if scope not in SCOPES:
        raise InputError(f"scope must be one of {', '.join(SCOPES)}; got {scope!r}")
    path = path if path is not None else data_dir() / STOPWORDS_FILE
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError as error:
        raise InputError(f"topic stop-word file not found; got {str(path)!r}") from error
    if "term" not in table.columns:
        raise InputError(
            f"topic stop-word file needs a 'term' column; got columns {list(table.columns)!r}"
        )
    scopes = table["scope"] if "scope" in table.columns else pd.Series("features", table.index)
    scopes = scopes.replace("", "features")
    return frozenset(_word_tokens(table.loc[scopes == scope, "term"]))


def label_stop_words() -> frozenset[str]:
    """Words kept as features but never shown in topic labels or top terms."""
    return news_stop_words(scope="labels")


def keep_words() -> frozenset[str]:
    """Ordinary words never dropped as part of a name (``scope=keep`` in the CSV)."""
    return news_stop_words(scope="keep")


def actor_stop_words() -> frozenset[str]:
    """Word tokens of every office holder's name in ``data/actors.csv``.

    "Vladimir Putin" contributes "vladimir" and "putin": a topic is about what
    happens, and leaders move between topics. Empty when the gazetteer is unavailable.
    """
    return _actor_stop_words()


@lru_cache(maxsize=1)
def _actor_stop_words() -> frozenset[str]:
    try:
        gazetteer = importlib.import_module("analytics.gazetteer")
        names: Iterable[str] = gazetteer.load_gazetteer().actors["surface"]
    except (ImportError, AttributeError, KeyError):
        names = []
    return frozenset(_word_tokens(names))


def country_stop_words() -> frozenset[str]:
    """Word tokens of every country name, demonym and capital.

    Uses ``analytics.gazetteer.country_stop_words()`` when the gazetteer is available,
    else a rougher list built from ``pycountry`` names plus regular demonym endings.
    """
    return _country_stop_words()


@lru_cache(maxsize=1)
def _country_stop_words() -> frozenset[str]:
    try:
        gazetteer = importlib.import_module("analytics.gazetteer")
        names: Iterable[str] = gazetteer.country_stop_words()
    except (ImportError, AttributeError):
        names = _pycountry_names()
    return frozenset(_word_tokens(names))


def _pycountry_names() -> list[str]:
    import pycountry

    names: list[str] = []
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None)):
            if name:
                # "Korea, Republic of" -> "Korea": the qualifier is not a name.
                names.append(name.split(",")[0])
    words = {word for name in names for word in tokens(name) if len(word) > 3}
    # Regular demonym endings; the odd invented word is harmless as a stop word.
    demonyms = {word + ending for word in words for ending in ("n", "an", "ian", "ese", "i")}
    demonyms |= {word[:-1] + ending for word in words for ending in ("an", "ian", "ese")}
    return names + sorted(demonyms)


def _word_tokens(terms: Iterable[str]) -> list[str]:
    return sorted({word for term in terms for word in tokens(str(term))})


def topic_stop_words(extra: Iterable[str] = ()) -> list[str]:
    """English, news boilerplate, country and actor stop words, plus ``extra``, sorted.

    Words marked ``scope=keep`` are removed from the country and actor words only:
    "major" stays a feature although it is also a name.
    """
    names = (country_stop_words() | actor_stop_words()) - keep_words()
    words = set(ENGLISH_STOP_WORDS) | news_stop_words() | names
    words |= set(_word_tokens(extra))
    # A stop word must survive the tokenizer unchanged to be recognised.
    return sorted(word for word in words if _TOKEN.fullmatch(word))


def count_vectorizer(
    stop_words: Sequence[str],
    *,
    ngram_range: tuple[int, int] = (1, 1),
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    vocabulary: Sequence[str] | None = None,
) -> CountVectorizer:
    """The term counter every topic model uses, fitted or with a fixed ``vocabulary``."""
    return CountVectorizer(
        lowercase=True,
        token_pattern=TOKEN_PATTERN,
        stop_words=list(stop_words),
        ngram_range=ngram_range,
        min_df=min_df if vocabulary is None else 1,
        max_df=max_df if vocabulary is None else 1.0,
        vocabulary=list(vocabulary) if vocabulary is not None else None,
        dtype=np.float64,
    )


def inverse_document_frequency(counts: sp.csr_matrix) -> np.ndarray:
    """Smoothed IDF ``ln((1 + n) / (1 + df)) + 1`` of every column of ``counts``."""
    n_docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    return np.log((1.0 + n_docs) / (1.0 + df)) + 1.0


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF-IDF rows with unit L2 norm (an empty row stays zero).

    Sublinear tf (``1 + ln tf``) keeps a word repeated in one long article from
    dominating it.
    """
    weights = counts.astype(np.float64, copy=True).tocsr()
    weights.data = 1.0 + np.log(weights.data)
    weights = weights @ sp.diags(idf)
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ weights)


def content_hashes(texts: Sequence[str]) -> np.ndarray:
    """SHA-1 hex digest of each text: an order-free identity for canonical sorting."""
    return np.array([hashlib.sha1(text.encode("utf-8")).hexdigest() for text in texts])
