"""Term features for topic modelling: stop words, tokens, TF-IDF weights, content hashes.

Topics should say *what* a briefing is about, not *who* is in it, nor how a newswire
writes: so the vocabulary drops English stop words, news boilerplate (the editable
``data/topic_stopwords.csv``), every country name, demonym and capital, every word of
an office holder's name (``data/actors.csv``), numbers and tokens holding digits.
"""

from __future__ import annotations

import hashlib
import itertools
import numbers
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import (
    ENGLISH_STOP_WORDS,
    CountVectorizer,
    TfidfTransformer,
)

from analytics import schema as S
from analytics import settings
from analytics.countries import country_stop_words as gazetteer_country_stop_words
from analytics.countries import load_gazetteer
from analytics.errors import InputError
from analytics.parallel import fork_workers, map_forked
from analytics.paths import data_dir
from analytics.text import strip_source_citations

STOPWORDS_FILE = "topic_stopwords.csv"
SCOPES: tuple[str, ...] = ("features", "labels", "keep")

# Letters only, at least two: drops numbers, tokens with digits ("1987", "4th", "q3")
# and the single letters left over from "U.S." or "What's".
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}\b"
_TOKEN = re.compile(TOKEN_PATTERN)
# TOKEN_PATTERN matches exactly the maximal runs of word characters that are all
# letters and at least two long (its ``\b`` on both sides forbid a partial run). So
# ``count_terms`` splits texts into word runs, the cheap part, and applies the pattern
# once per distinct run rather than once per token.
_WORD_RUN = re.compile(r"\w+")
# On ASCII text, mapping every non-word character to a space and splitting on
# whitespace gives the same runs as ``_WORD_RUN``, about twice as fast.
_ASCII_NON_WORD = str.maketrans(
    {chr(code): " " for code in range(128) if not (chr(code).isalnum() or chr(code) == "_")}
)
# What forked counting processes read: set before they start, so no text is pickled.
_FORKED: dict[str, object] = {}


# A newswire dateline opening a line: "SALVADOR, Feb 26 - ". Its place names say where
# a story was filed, not what it is about.
_DATELINE = re.compile(
    r"(?m)^[ \t]*[A-Z][A-Z .'&/()-]{1,40}?(?:,[ \t]*[A-Z][A-Za-z. ]{1,15}?)?,"
    r"[ \t]+[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}[ \t]+-[ \t]+"
)


def strip_datelines(text: str) -> str:
    """Remove newswire datelines ("CITY, Mon DD - ") from the start of lines of ``text``."""
    return _DATELINE.sub("", text)


def strip_sources(text: str) -> str:
    """``text`` without what says where it came from rather than what it is about: newswire
    datelines (``strip_datelines``) and the outlets cited after its sentences ("(BBC)",
    "(AP via The New York Times)": ``analytics.text.strip_source_citations``). Left in, a
    corpus of summaries that close on their sources clusters by outlet."""
    return strip_source_citations(strip_datelines(text))


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
    happens, and leaders move between topics.
    """
    return _actor_stop_words()


@lru_cache(maxsize=1)
def _actor_stop_words() -> frozenset[str]:
    return frozenset(_word_tokens(load_gazetteer().actors[S.SURFACE]))


def country_stop_words() -> frozenset[str]:
    """Word tokens of every country name, alias, demonym and capital in the gazetteer."""
    return _country_stop_words()


@lru_cache(maxsize=1)
def _country_stop_words() -> frozenset[str]:
    return frozenset(_word_tokens(gazetteer_country_stop_words()))


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


def count_terms(
    texts: Sequence[str],
    stop_words: Iterable[str],
    *,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    vocabulary: Sequence[str] | None = None,
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Count the unigram terms of ``texts``, as ``count_vectorizer(...).fit_transform`` does.

    Same tokens (lower-cased, ``TOKEN_PATTERN``), same stop words, same document-frequency
    bounds, same alphabetical vocabulary and the same matrix, several times faster:
    each text is split into word runs and the runs are counted with pandas, so the
    token pattern and the stop-word test run once per distinct word, not once per token.

    Parameters:
        texts: the texts to count.
        stop_words: tokens never counted.
        min_df, max_df: bounds on a term's document frequency (an ``int`` counts texts,
            a ``float`` is a fraction of them); ignored with a fixed ``vocabulary``.
        vocabulary: count these terms only, in this column order, instead of learning
            the vocabulary.

    Returns:
        ``(counts, terms)``: a float64 CSR matrix of texts x terms (sorted indices) and
        the terms of its columns as an object array.

    Raises:
        ValueError: when no term remains (every token is a stop word or the bounds
            exclude every term), or when ``max_df`` allows fewer texts than ``min_df``;
            the messages are CountVectorizer's.
    """
    stop = frozenset(stop_words)
    known = None if vocabulary is None else pd.Index(list(vocabulary), dtype=object)
    batches = _count_batches(texts, stop, known)
    if known is None:
        seen = [terms for _, terms in batches]
        terms = np.unique(np.concatenate(seen)) if seen else np.array([], dtype=object)
        if len(terms) == 0:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        known = pd.Index(terms, dtype=object)
        # Batch columns -> columns of the whole vocabulary.
        batches = [
            (
                sp.csr_matrix(
                    (counts.data, known.get_indexer(batch_terms)[counts.indices], counts.indptr),
                    shape=(counts.shape[0], len(known)),
                ),
                batch_terms,
            )
            for counts, batch_terms in batches
        ]
    terms = known.to_numpy(dtype=object)
    if batches:
        counts = sp.csr_matrix(sp.vstack([batch for batch, _ in batches], format="csr"))
    else:
        counts = sp.csr_matrix((0, len(terms)), dtype=np.float64)
    counts.sort_indices()
    if vocabulary is not None:
        return counts, terms
    return _limit_terms(counts, terms, min_df, max_df)


def _count_batches(
    texts: Sequence[str], stop: frozenset[str], vocabulary: pd.Index | None
) -> list[tuple[sp.csr_matrix, np.ndarray]]:
    """``_count_batch`` over consecutive batches of ``texts``, on every core for many texts.

    Shared with forked processes (``analytics.parallel``), which inherit the texts.
    """
    # Batches bound the memory of the token strings held at once.
    starts = list(range(0, len(texts), settings.value("topic_count_batch")))
    n_workers = min(fork_workers(), len(starts))
    if len(texts) < settings.value("topic_parallel_count_from") or n_workers < 2:
        return _count_starts(texts, starts, stop, vocabulary)
    shares = [part.tolist() for part in np.array_split(np.array(starts), n_workers)]
    _FORKED.update(texts=texts, stop=stop, vocabulary=vocabulary)
    try:
        return map_forked(_count_forked, shares)
    finally:
        _FORKED.clear()


def _count_forked(starts: list[int]) -> list[tuple[sp.csr_matrix, np.ndarray]]:
    return _count_starts(
        _FORKED["texts"],  # type: ignore[arg-type]
        starts,
        _FORKED["stop"],  # type: ignore[arg-type]
        _FORKED["vocabulary"],  # type: ignore[arg-type]
    )


def _count_starts(
    texts: Sequence[str], starts: list[int], stop: frozenset[str], vocabulary: pd.Index | None
) -> list[tuple[sp.csr_matrix, np.ndarray]]:
    batch = settings.value("topic_count_batch")
    return [_count_batch(texts[start : start + batch], stop, vocabulary) for start in starts]


def _count_batch(
    texts: Sequence[str], stop: frozenset[str], vocabulary: pd.Index | None
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Term counts of a batch: texts x batch terms (or ``vocabulary``), and those terms."""
    runs = []
    for text in texts:
        lowered = text.lower()
        if lowered.isascii():
            runs.append(lowered.translate(_ASCII_NON_WORD).split())
        else:
            runs.append(_WORD_RUN.findall(lowered))
    lengths = np.fromiter(map(len, runs), dtype=np.int64, count=len(runs))
    flat = np.fromiter(itertools.chain.from_iterable(runs), dtype=object, count=int(lengths.sum()))
    del runs
    codes, distinct = pd.factorize(flat)
    if vocabulary is None:
        keep = np.fromiter(
            (_TOKEN.fullmatch(run) is not None and run not in stop for run in distinct),
            dtype=bool,
            count=len(distinct),
        )
        column = np.cumsum(keep) - 1
        terms = distinct[keep]
    else:
        column = vocabulary.get_indexer(distinct)
        keep = column >= 0
        terms = vocabulary.to_numpy(dtype=object)
    row_of_token = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    kept = keep[codes]
    counts = sp.csr_matrix(
        (np.ones(int(kept.sum())), (row_of_token[kept], column[codes[kept]])),
        shape=(len(texts), len(terms)),
    )
    counts.sum_duplicates()
    return counts, terms


def _limit_terms(
    counts: sp.csr_matrix, terms: np.ndarray, min_df: int | float, max_df: int | float
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Keep the terms within the document-frequency bounds (CountVectorizer's rules)."""
    frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    kept = _terms_within(frequency, counts.shape[0], min_df, max_df)
    return sp.csr_matrix(counts[:, kept]), terms[kept]


class DocumentFrequencies(NamedTuple):
    """How many texts of a corpus hold each topic term: what a fit's vocabulary and IDF need.

    ``counts``: term -> number of texts holding it (int64, only terms held by some text,
    index sorted); ``n_documents``: the number of texts counted. Counts of disjoint parts
    of a corpus add up (``combine_document_frequencies``) to the whole corpus' counts.
    """

    counts: pd.Series
    n_documents: int


def document_frequencies(
    texts: Sequence[str], extra_stop_words: Iterable[str] = ()
) -> DocumentFrequencies:
    """The document frequency of every topic term of ``texts``, as a topic model counts it.

    Same sources stripped (``strip_sources``), stop words (``topic_stop_words``) and
    tokens as ``TopicModel.fit`` (``count_terms``), so the counts of a whole corpus give
    the vocabulary and IDF its fit would learn from those texts.

    Parameters:
        texts: topic texts (``briefing_text_for_topics``).
        extra_stop_words: the model's ``extra_stop_words``.

    Returns:
        The ``DocumentFrequencies`` of ``texts`` (no terms for no texts).
    """
    stripped = [strip_sources(text) for text in texts]
    stop = frozenset(topic_stop_words(extra_stop_words))
    # Each batch's counts hold a row per text and no zero cell: its column's entries are
    # the texts holding that term.
    parts = [
        _frequencies(
            np.bincount(counts.indices, minlength=len(terms)).astype(np.int64),
            terms,
            counts.shape[0],
        )
        for counts, terms in _count_batches(stripped, stop, None)
    ]
    return combine_document_frequencies(parts)


def combine_document_frequencies(parts: Iterable[DocumentFrequencies]) -> DocumentFrequencies:
    """The document frequencies of the union of disjoint corpora: counts summed per term.

    Integer sums: the result is the same whatever the grouping or order of ``parts``.
    """
    parts = list(parts)
    counts = [part.counts for part in parts if len(part.counts)]
    n_documents = sum(int(part.n_documents) for part in parts)
    if not counts:
        return _no_frequencies(n_documents)
    summed = pd.concat(counts).groupby(level=0, sort=True).sum().astype(np.int64)
    return DocumentFrequencies(summed.rename_axis(None).rename(None), n_documents)


def _frequencies(frequency: np.ndarray, terms: np.ndarray, n_documents: int) -> DocumentFrequencies:
    held = frequency > 0
    counts = pd.Series(frequency[held], index=pd.Index(terms[held], dtype=object))
    return DocumentFrequencies(counts.sort_index(), n_documents)


def _no_frequencies(n_documents: int = 0) -> DocumentFrequencies:
    return DocumentFrequencies(
        pd.Series(np.array([], dtype=np.int64), index=pd.Index([], dtype=object)), n_documents
    )


def check_document_frequencies(value: object) -> DocumentFrequencies:
    """``value`` when it is a valid ``DocumentFrequencies``.

    Raises:
        InputError: when it is not one, ``n_documents`` is not a positive whole number,
            or ``counts`` is not whole counts within ``[1, n_documents]`` of distinct terms.
    """
    if not isinstance(value, DocumentFrequencies):
        raise InputError(
            f"document_frequencies must be a DocumentFrequencies (document_frequencies(texts)); "
            f"got {type(value).__name__}"
        )
    counts, n_documents = value
    if (
        isinstance(n_documents, bool)
        or not isinstance(n_documents, numbers.Integral)
        or n_documents < 1
    ):
        raise InputError(
            f"document_frequencies.n_documents must be a positive whole number; got {n_documents!r}"
        )
    if not isinstance(counts, pd.Series) or not pd.api.types.is_integer_dtype(counts.dtype):
        raise InputError(
            f"document_frequencies.counts must be a Series of whole counts per term; "
            f"got {getattr(counts, 'dtype', type(counts).__name__)!s}"
        )
    if not counts.index.is_unique:
        repeated = counts.index[counts.index.duplicated()][0]
        raise InputError(
            f"document_frequencies.counts must name each term once; got {repeated!r} twice"
        )
    outside = counts[(counts < 1) | (counts > n_documents)]
    if len(outside):
        raise InputError(
            f"document frequencies must be within [1, n_documents={n_documents}]; "
            f"got {outside.index[0]!r}: {outside.iloc[0].item()!r}"
        )
    return value


def corpus_vocabulary(
    frequencies: DocumentFrequencies,
    stop_words: Iterable[str],
    *,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The vocabulary and IDF a fit learns from a corpus, given the corpus' frequencies.

    The terms (not stop words) whose document frequency is within ``[min_df, max_df]``
    by ``count_terms``'s rules over ``n_documents`` texts, sorted, and their smoothed IDF.

    Returns:
        ``(terms, idf)``: an object array of terms and a float64 array.

    Raises:
        ValueError: as ``count_terms``, when no term remains or the bounds cross.
    """
    counts, n_documents = frequencies
    counts = counts[~counts.index.isin(list(stop_words))]
    if not len(counts):
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    frequency = counts.to_numpy(dtype=np.int64)
    kept = _terms_within(frequency, n_documents, min_df, max_df)
    terms = counts.index.to_numpy(dtype=object)[kept]
    return terms, smoothed_idf(frequency[kept], n_documents)


def _terms_within(
    frequency: np.ndarray, n_documents: int, min_df: int | float, max_df: int | float
) -> np.ndarray:
    """Positions of the document frequencies within the bounds (CountVectorizer's rules)."""
    high = max_df if isinstance(max_df, numbers.Integral) else max_df * n_documents
    low = min_df if isinstance(min_df, numbers.Integral) else min_df * n_documents
    if high < low:
        raise ValueError("max_df corresponds to < documents than min_df")
    kept = np.flatnonzero((frequency <= high) & (frequency >= low))
    if len(kept) == 0:
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    return kept


def smoothed_idf(frequency: np.ndarray, n_documents: int) -> np.ndarray:
    """Smoothed IDF ``ln((1 + n) / (1 + df)) + 1`` of terms in ``df`` of ``n`` texts.

    The operations of scikit-learn's ``TfidfTransformer`` (``smooth_idf=True``), in its
    order, so the weights are the same to the last bit.
    """
    smoothed = np.asarray(frequency, dtype=np.float64) + 1.0
    idf = np.full_like(smoothed, fill_value=n_documents + 1, dtype=np.float64)
    idf /= smoothed
    np.log(idf, out=idf)
    idf += 1.0
    return idf


def _tfidf_transformer() -> TfidfTransformer:
    """The TF-IDF weighting of every topic model.

    Sublinear tf (``1 + ln tf``) keeps a word repeated in one long article from
    dominating it; smoothed idf ``ln((1 + n) / (1 + df)) + 1``; rows of unit L2 norm.
    """
    return TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=True)


def inverse_document_frequency(counts: sp.csr_matrix) -> np.ndarray:
    """Smoothed IDF ``ln((1 + n) / (1 + df)) + 1`` of every column of ``counts``."""
    counts = sp.csr_matrix(counts)
    return smoothed_idf(np.bincount(counts.indices, minlength=counts.shape[1]), counts.shape[0])


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF-IDF rows with unit L2 norm (an empty row stays zero).

    Parameters:
        counts: texts x terms counts.
        idf: one weight per term, from ``inverse_document_frequency`` on the fitted
            corpus (a fitted topic model keeps it, so new texts are weighted alike).

    Returns:
        A float64 CSR matrix with the non-zero cells of ``counts``.
    """
    transformer = _tfidf_transformer()
    # The weights learnt at fit time, given back to scikit-learn's transformer.
    transformer.idf_ = np.asarray(idf, dtype=np.float64)
    return sp.csr_matrix(transformer.transform(sp.csr_matrix(counts, dtype=np.float64)))


def content_hashes(texts: Sequence[str]) -> np.ndarray:
    """SHA-1 hex digest of each text: an order-free identity for canonical sorting."""
    return np.array([hashlib.sha1(text.encode("utf-8")).hexdigest() for text in texts])
