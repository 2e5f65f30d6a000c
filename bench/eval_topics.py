"""Evaluate topic clustering on Reuters-21578 against the editors' TOPICS labels.

    python bench/eval_topics.py [--shared ../shared] [--out topics.csv] [--n-topics K]
                                [--random-state N] [--compare] [--synthetic DIR]

Fits ``TopicModel`` on all 19,043 articles (title + text), writes ``briefing_id,topic_id``
for every article, scores it with ``shared/eval/score_topics.py`` (8,293 single-label
ModApte articles) and prints NMI, ARI, homogeneity, completeness, the number of topics,
the fit time, the time of the table step (``assign_topics`` + ``topic_summary`` from the
fit's embedding) and the peak resident memory. ``--compare`` also runs the simpler
methods listed in docs/eval-topics.md on the same features.

``--synthetic DIR`` evaluates on a corpus written by ``python -m analytics.synth`` instead
(``DIR/briefings.jsonl`` and its gold themes ``DIR/.truth/labels.csv``): NMI and ARI against the
planted themes, and how many themes are recovered (themes whose largest share of
briefings falls in a topic of its own).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from analytics import schema as S
from analytics import synth
from analytics.ingest import load_files
from analytics.topics import (
    TopicModel,
    assign_topics,
    briefing_text_for_topics,
    topic_summary,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def load_reuters(shared: Path) -> pd.DataFrame:
    """The Reuters articles as a briefing table, every article kept."""
    return load_files([shared / "corpora" / "reuters21578" / "reuters.jsonl"]).briefings


def score(shared: Path, ids: pd.Series, topic_ids: np.ndarray, out: Path) -> dict[str, float]:
    """Write the assignment CSV and run the shared scorer on it."""
    pd.DataFrame({S.BRIEFING_ID: ids, S.TOPIC_ID: topic_ids}).to_csv(out, index=False)
    scorer = shared / "eval" / "score_topics.py"
    output = subprocess.run(
        [sys.executable, str(scorer), str(out)], capture_output=True, text=True, check=True
    ).stdout
    words = output.replace("\n", " ").split()
    metrics = {}
    for name in ("homogeneity", "completeness", "ARI", "NMI"):
        metrics[name] = float(words[words.index(name) + 1])
    return metrics


def score_synthetic(labels_csv: Path, ids: pd.Series, topic_ids: np.ndarray) -> dict[str, float]:
    """NMI / ARI against the generator's themes, and the number of themes recovered."""
    themes = pd.read_csv(labels_csv, dtype=str).set_index("id")["theme"]
    gold = themes.reindex(ids.astype(str)).to_numpy()
    if pd.isna(gold).any():
        raise SystemExit(f"{labels_csv} has no theme for {int(pd.isna(gold).sum())} briefings")
    table = pd.crosstab(gold, topic_ids)
    return {
        "NMI": normalized_mutual_info_score(gold, topic_ids),
        "ARI": adjusted_rand_score(gold, topic_ids),
        "themes": float(len(table)),
        "recovered": float(table.idxmax(axis=1).nunique()),
    }


def peak_memory_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baselines(texts: list[str], random_state: int) -> dict[str, Callable[[], np.ndarray]]:
    """Simpler methods on the same vocabulary, for the comparison table."""
    from sklearn.cluster import KMeans
    from sklearn.decomposition import NMF, TruncatedSVD
    from sklearn.preprocessing import normalize

    from analytics.topics import (
        count_vectorizer,
        inverse_document_frequency,
        merge_prototypes,
        spherical_kmeans,
        strip_datelines,
        tfidf,
        topic_stop_words,
    )

    cache: dict[str, object] = {}

    def weights():
        if "weights" not in cache:
            counts = count_vectorizer(topic_stop_words(), min_df=2, max_df=0.5).fit_transform(
                [strip_datelines(t) for t in texts]
            )
            cache["weights"] = tfidf(counts.tocsr(), inverse_document_frequency(counts.tocsr()))
        return cache["weights"]

    def lsa():
        if "lsa" not in cache:
            cache["lsa"] = TruncatedSVD(150, random_state=random_state).fit_transform(weights())
        return cache["lsa"]

    def kmeans(data, k):
        return KMeans(k, n_init=3, random_state=random_state).fit_predict(data)

    def nmf(k):
        model = NMF(k, init="nndsvda", max_iter=200, tol=1e-3, random_state=random_state)
        return np.argmax(model.fit_transform(weights()), axis=1)

    def spherical(k):
        return spherical_kmeans(normalize(lsa()), k, seed=random_state)[1]

    def merged(k0, k):
        vectors = normalize(lsa())
        prototypes, nearest = spherical_kmeans(vectors, k0, seed=random_state)
        return merge_prototypes(prototypes, [k])[:, 0][nearest]

    return {
        "tfidf+kmeans k=20": lambda: kmeans(weights(), 20),
        "nmf k=20": lambda: nmf(20),
        "nmf k=40": lambda: nmf(40),
        "lsa150+kmeans k=40": lambda: kmeans(lsa(), 40),
        "lsa150 spherical k-means k=40": lambda: spherical(40),
        "lsa150 spherical k-means k=60": lambda: spherical(60),
        "lsa150 spherical k-means k=80": lambda: spherical(80),
        "100 prototypes -> average linkage k=40": lambda: merged(100, 40),
        "200 prototypes -> average linkage k=40": lambda: merged(200, 40),
        "200 prototypes -> average linkage k=60": lambda: merged(200, 60),
        "300 prototypes -> average linkage k=60": lambda: merged(300, 60),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=PROJECT_ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=None, help="assignment CSV to write")
    parser.add_argument("--n-topics", type=int, default=None, help="fix the number of topics")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--compare", action="store_true", help="also run the simpler methods")
    parser.add_argument(
        "--synthetic", type=Path, default=None, help="folder of a generated corpus to score instead"
    )
    args = parser.parse_args()

    if args.synthetic is not None:
        briefings = load_files([args.synthetic / "briefings.jsonl"]).briefings
    else:
        briefings = load_reuters(args.shared)
    texts = briefing_text_for_topics(briefings)
    out = args.out or Path(tempfile.mkdtemp()) / "topics.csv"
    memory_before = peak_memory_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    model = TopicModel(n_topics=args.n_topics, random_state=args.random_state).fit(texts)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    if args.synthetic is not None:
        metrics = score_synthetic(
            args.synthetic / synth.LABELS_FILE, briefings[S.BRIEFING_ID], model.labels_
        )
        print(f"briefings fitted: {len(texts)}  topics: {model.n_topics_}")
        print(
            f"NMI {metrics['NMI']:.4f}  ARI {metrics['ARI']:.4f}  themes recovered "
            f"{metrics['recovered']:.0f} of {metrics['themes']:.0f}"
        )
    else:
        metrics = score(args.shared, briefings[S.BRIEFING_ID], model.labels_, out)
        print(f"articles fitted: {len(texts)}  topics: {model.n_topics_}  assignments: {out}")
        print(
            f"NMI {metrics['NMI']:.4f}  ARI {metrics['ARI']:.4f}  homogeneity "
            f"{metrics['homogeneity']:.4f}  completeness {metrics['completeness']:.4f}"
        )
    print(
        f"fit {seconds:.1f} s wall, {cpu_seconds:.1f} s CPU (including the choice of the "
        f"number of topics)  peak RSS "
        f"{peak_memory_mb():.0f} MB (before fit {memory_before:.0f} MB)"
    )
    started = time.perf_counter()
    topics = assign_topics(model, briefings, embedding=model.embedding_)
    summary = topic_summary(model, briefings, topics)
    print(
        f"assign_topics + topic_summary from the fit's embedding: "
        f"{time.perf_counter() - started:.2f} s wall ({len(topics)} rows, {len(summary)} topics)"
    )
    if model.selection_scores_:
        best = sorted(model.selection_scores_.items(), key=lambda kv: -kv[1])[:5]
        print("most stable numbers of topics:", ", ".join(f"{k}: {v:.3f}" for k, v in best))
    sizes = np.bincount(model.labels_)
    for position, topic_id in enumerate(model.topic_ids_[:15]):
        print(f"  {topic_id:3d} {sizes[topic_id]:5d}  {model.topic_labels_[position]}")
    if args.compare and args.synthetic is None:
        print("\nmethod | NMI | ARI | seconds")
        for name, run in baselines(texts, args.random_state).items():
            started = time.perf_counter()
            labels = run()
            seconds = time.perf_counter() - started
            metrics = score(args.shared, briefings[S.BRIEFING_ID], labels, out)
            nmi, ari = metrics["NMI"], metrics["ARI"]
            print(f"{name} | {nmi:.3f} | {ari:.3f} | {seconds:.1f}", flush=True)


if __name__ == "__main__":
    main()
