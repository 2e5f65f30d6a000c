"""List false and missed countries per text on one half of the relations development set.

    python bench/country_errors.py [--split tune] [--shared ../shared]

Countries are found as ``bench/eval_relations_dev.py`` finds them (``compute_mentions`` on
exactly the labelled texts) and compared with the labels. Each text with an error prints its
id, the false countries with the surface forms that made them, and the missed countries with
the kind the labellers gave them. Tune rules on ``tune`` only (see
``bench/relations_dev/README.md``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_relations_dev import PROJECT_ROOT, labelled_briefings, read_labels  # noqa: E402

from analytics import schema as S  # noqa: E402
from analytics.pipeline import compute_mentions  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="tune", choices=("tune", "test"))
    parser.add_argument("--shared", type=Path, default=PROJECT_ROOT.parent / "shared")
    parser.add_argument("--text", action="store_true", help="print each text with an error")
    args = parser.parse_args()
    if not (args.shared / "corpora").is_dir():
        print(f"no shared corpora at {args.shared}; skipped")
        return 0
    labels = read_labels(args.split)
    briefings = labelled_briefings(args.shared, {label["id"] for label in labels})
    mentions, countries = compute_mentions(briefings)
    found = countries.groupby(S.BRIEFING_ID)[S.ISO3].agg(set).to_dict()
    surfaces = mentions.groupby([S.BRIEFING_ID, S.ISO3])[S.SURFACE].agg(
        lambda forms: sorted(set(forms))
    )
    texts = briefings.set_index(S.BRIEFING_ID)[S.TEXT].to_dict()
    false_total = missed_total = 0
    for label in labels:
        bid = label["id"]
        want = {c["iso3"]: c["kind"] for c in label["countries"]}
        got = found.get(bid, set())
        false = sorted(got - set(want))
        missed = sorted(set(want) - got)
        if not false and not missed:
            continue
        false_total += len(false)
        missed_total += len(missed)
        parts = [f"false {c} {surfaces.get((bid, c), [])}" for c in false]
        parts += [f"missed {c} ({want[c]})" for c in missed]
        print(f"{bid} {label.get('date', '')}: " + "; ".join(parts))
        if args.text:
            print("    " + " ".join(str(texts.get(bid, "")).split())[:600])
    print(f"{args.split}: {len(labels)} texts, {false_total} false, {missed_total} missed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
