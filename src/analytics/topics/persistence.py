"""Saving and loading a fitted topic model: JSON plus a NumPy ``.npz`` file, never pickle.

The JSON holds the parameters, ids, labels, terms and vocabulary with the checksum of the
arrays file; loading checks the format, version, checksum and every array's shape, and
raises ``StoreError`` for anything missing, truncated or inconsistent.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from analytics.errors import StoreError

if TYPE_CHECKING:
    from analytics.topics.model import TopicModel

MODEL_FILE = "topic_model.json"
ARRAYS_FILE = "topic_model.npz"
_FORMAT = "briefing-atlas-topic-model"
_FORMAT_VERSION = 1


def save_model(model: TopicModel, directory: str | Path) -> Path:
    """Write the fitted ``model`` as JSON plus a NumPy ``.npz`` file (no pickle).

    Returns:
        The directory written to (created if needed).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    arrays_path = directory / ARRAYS_FILE
    with arrays_path.open("wb") as handle:
        np.savez_compressed(
            handle,
            idf=model.idf_,
            components=model.components_,
            prototypes=model.prototypes_,
            prototype_topics=model.prototype_topics_,
            centroids=model.centroids_,
            top_term_weights=model.top_term_weights_,
            labels=model.labels_,
            representative_docs=model.representative_docs_,
        )
    params = model.get_params()
    params["ngram_range"] = list(params["ngram_range"])
    params["extra_stop_words"] = list(params["extra_stop_words"])
    document = {
        "format": _FORMAT,
        "version": _FORMAT_VERSION,
        "params": params,
        "arrays_sha256": _sha256(arrays_path),
        "n_topics": int(model.n_topics_),
        "topic_ids": model.topic_ids_.tolist(),
        "topic_labels": list(model.topic_labels_),
        "top_terms": model.top_terms_,
        "selection_scores": {str(k): v for k, v in model.selection_scores_.items()},
        "stop_words": list(model.stop_words_),
        "vocabulary": [str(term) for term in model.vocabulary_],
    }
    text = json.dumps(document, ensure_ascii=False, indent=1)
    (directory / MODEL_FILE).write_text(text, encoding="utf-8")
    return directory


def load_model(model_class: type[TopicModel], directory: str | Path) -> TopicModel:
    """Read a model written by ``save_model`` as an instance of ``model_class``.

    Raises:
        StoreError: when a file is missing, truncated, corrupted or inconsistent.
    """
    directory = Path(directory)
    model_path, arrays_path = directory / MODEL_FILE, directory / ARRAYS_FILE
    try:
        document = json.loads(model_path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise StoreError(f"topic model file is missing; got {str(model_path)!r}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StoreError(
            f"topic model file is corrupted or truncated ({error}); got {str(model_path)!r}"
        ) from error
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        raise StoreError(f"not a topic model file; got {str(model_path)!r}")
    if document.get("version") != _FORMAT_VERSION:
        raise StoreError(
            f"topic model format version must be {_FORMAT_VERSION}; got {document.get('version')!r}"
        )
    if not arrays_path.exists():
        raise StoreError(f"topic model arrays file is missing; got {str(arrays_path)!r}")
    if _sha256(arrays_path) != document.get("arrays_sha256"):
        raise StoreError(
            "topic model arrays file is corrupted or truncated (checksum mismatch); "
            f"got {str(arrays_path)!r}"
        )
    try:
        with np.load(arrays_path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        params = dict(document["params"])
        params["ngram_range"] = tuple(params["ngram_range"])
        params["extra_stop_words"] = tuple(params["extra_stop_words"])
        model = model_class(**params)
        model.vocabulary_ = np.array(document["vocabulary"], dtype=object)
        model.stop_words_ = list(document["stop_words"])
        model.idf_ = arrays["idf"]
        model.components_ = arrays["components"]
        model.prototypes_ = arrays["prototypes"]
        model.prototype_topics_ = arrays["prototype_topics"]
        model.centroids_ = arrays["centroids"]
        model.top_term_weights_ = arrays["top_term_weights"]
        model.labels_ = arrays["labels"]
        model.representative_docs_ = arrays["representative_docs"]
        model.n_topics_ = int(document["n_topics"])
        model.topic_ids_ = np.array(document["topic_ids"], dtype=np.int64)
        model.topic_labels_ = [str(label) for label in document["topic_labels"]]
        model.top_terms_ = [[str(term) for term in row] for row in document["top_terms"]]
        model.selection_scores_ = {
            int(k): float(v) for k, v in document["selection_scores"].items()
        }
    except (KeyError, TypeError, ValueError, OSError, zipfile.BadZipFile) as error:
        raise StoreError(
            f"topic model in {str(directory)!r} is incomplete or corrupted; got {error!r}"
        ) from error
    _check_shapes(model, directory)
    return model


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_shapes(model: TopicModel, directory: Path) -> None:
    n_topics, n_terms = len(model.topic_ids_), len(model.vocabulary_)
    expected = {
        "idf": (model.idf_.shape, (n_terms,)),
        "components": (model.components_.shape[1:], (n_terms,)),
        "centroids": (model.centroids_.shape, (n_topics, model.components_.shape[0])),
        "prototypes": (model.prototypes_.shape[1:], model.components_.shape[:1]),
        "prototype_topics": (model.prototype_topics_.shape, model.prototypes_.shape[:1]),
        "top_term_weights": (model.top_term_weights_.shape[:1], (n_topics,)),
        "topic_labels": ((len(model.topic_labels_),), (n_topics,)),
        "top_terms": ((len(model.top_terms_),), (n_topics,)),
    }
    for name, (got, wanted) in expected.items():
        if tuple(got) != tuple(wanted):
            raise StoreError(
                f"topic model in {str(directory)!r} is inconsistent: {name} has shape "
                f"{tuple(wanted)!r} expected; got {tuple(got)!r}"
            )
